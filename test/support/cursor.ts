/** Test inputs with a `|` cursor marker: the text without it and the LSP position of the marker. */
export function cursor(marked: string): { text: string; offset: number; position: { line: number; character: number } } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('test input needs a | cursor marker');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { text, offset, position: { line, character: offset - (before.lastIndexOf('\n') + 1) } };
}
