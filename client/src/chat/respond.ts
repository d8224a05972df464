/**
 * One chat turn, with the model and the output behind interfaces so tests drive it with a stub:
 * build the plan, send it to the model (or, with none, answer with the figures), then cite the
 * files and offer the commands. No vscode import.
 */
import { answerWithoutModel, buildChatPlan, type ChatCommandOffer, type ChatInput, type ChatMessage, type ChatPlan } from './prompt';

export interface ChatModelLike {
  name: string;
  /** Streams the answer's text. */
  send(messages: ChatMessage[]): AsyncIterable<string>;
}

export interface ChatOutput {
  markdown(text: string): void;
  reference(workspaceRelativePath: string): void;
  button(offer: ChatCommandOffer): void;
}

export async function respond(input: ChatInput, model: ChatModelLike | undefined, out: ChatOutput, noModelReason = 'no chat model is installed or enabled'): Promise<ChatPlan> {
  const plan = buildChatPlan(input);
  if (!model) out.markdown(answerWithoutModel(plan, noModelReason));
  else {
    try {
      for await (const chunk of model.send(plan.messages)) out.markdown(chunk);
    } catch (err) {
      // A model that refuses (no consent, quota, offline) degrades to the figures themselves.
      out.markdown(answerWithoutModel(plan, `${model.name} could not answer: ${(err as Error).message}`));
    }
  }
  for (const source of [...new Set(plan.facts.map((f) => f.source))]) out.reference(source);
  for (const c of plan.commands) out.button(c);
  return plan;
}
