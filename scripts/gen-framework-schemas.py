#!/usr/bin/env python3
"""
Generates schemas/frameworks/<framework>.json from a training framework's OWN option definitions:
axolotl's pydantic models, LLaMA-Factory's hparams dataclasses, TRL's config dataclasses (with
alignment-handbook's additions) and transformers' TrainingArguments, DeepSpeed's ZeRO pydantic config.

It reads Python source with `ast` (nothing is imported or executed), so it needs no framework
installed: only a source tree, e.g. extracted from a git mirror at a release tag:

    git --git-dir=MIRROR archive v0.18.0 src | tar -x -C /tmp/axolotl
    python3 scripts/gen-framework-schemas.py axolotl /tmp/axolotl --version v0.18.0 --commit SHA

    python3 scripts/gen-framework-schemas.py llamafactory /tmp/llamafactory --version v0.9.5 --commit SHA \
        --transformers /tmp/transformers --transformers-version v5.6.0 --transformers-commit SHA
    python3 scripts/gen-framework-schemas.py trl /tmp/trl --version v1.9.0 --commit SHA \
        --transformers /tmp/transformers --transformers-version v5.6.0 --transformers-commit SHA \
        --handbook /tmp/alignment-handbook --handbook-version v0.3.0 --handbook-commit SHA
    python3 scripts/gen-framework-schemas.py deepspeed /tmp/deepspeed --version v0.19.5 --commit SHA

A new upstream version is one command; the output is committed and CI never runs Python.
Output: {framework, repository, version, commit, sources, ignoresUnknownKeys, unknownKeyEffect,
properties: {key: {type, default, enum, description, deprecated, source, properties?, items?}}}.
"""
import argparse
import ast
import glob
import json
import os
import re
import sys

MAX_DESCRIPTION = 700
MAX_DEPTH = 4
# A type marker: 'free:string' means any string is accepted (so an enum beside it only suggests values).
FREE = 'free:'

JSON_TYPES = {
    'int': 'integer', 'float': 'number', 'str': 'string', 'bool': 'boolean', 'dict': 'object', 'Dict': 'object',
    'list': 'array', 'List': 'array', 'tuple': 'array', 'Tuple': 'array', 'set': 'array', 'Sequence': 'array',
    'Mapping': 'object', 'None': 'null', 'NoneType': 'null', 'PositiveInt': 'integer', 'NonNegativeInt': 'integer',
    'PositiveFloat': 'number', 'NonNegativeFloat': 'number', 'StrictBool': 'boolean', 'StrictInt': 'integer',
}


class ClassInfo:
    def __init__(self, name, bases, module, doc):
        self.name = name
        self.bases = bases
        self.module = module
        self.doc = doc or ''
        self.fields = {}  # name -> dict
        self.enum_values = []  # for Enum classes
        self.validator_messages = {}  # field -> first message of a validator that names it


def last_name(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Subscript):
        return last_name(node.value)
    if isinstance(node, ast.Call):
        return last_name(node.func)
    return None


def literal(node):
    try:
        return True, ast.literal_eval(node)
    except Exception:
        pass
    # pp_int(5e8), int(1e9), float('inf') and the like: keep the number.
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        ok, v = literal(node.args[0])
        if ok and isinstance(v, (int, float)) and not isinstance(v, bool):
            return True, int(v) if last_name(node.func) in ('pp_int', 'int') else v
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        ok, v = literal(node.operand)
        if ok and isinstance(v, (int, float)):
            return True, -v
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return True, {'$enum': node.value.id, 'member': node.attr}
    return False, None


def const_str(node):
    """A string constant, or a concatenation / parenthesised implicit concatenation of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.Constant):
                parts.append(str(v.value))
            else:
                parts.append('{' + ast.unparse(v.value if isinstance(v, ast.FormattedValue) else v) + '}')
        return ''.join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = const_str(node.left), const_str(node.right)
        if a is not None and b is not None:
            return a + b
    return None


def clean(text):
    if text is None:
        return None
    t = re.sub(r'\s+', ' ', str(text)).strip()
    if len(t) > MAX_DESCRIPTION:
        t = t[: MAX_DESCRIPTION - 3].rstrip() + '...'
    return t or None


def kw(call, name):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def dict_get(node, key):
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    return None


class Extractor:
    def __init__(self):
        self.classes = {}  # name -> ClassInfo (last definition wins, per module order given)
        self.by_module = {}  # (module, name) -> ClassInfo: a base resolves in its own module first
        self.aliases = {}  # module-level `Name = OtherName`

    def add_file(self, path, module):
        try:
            src = open(path, encoding='utf-8').read()
            tree = ast.parse(src)
        except (SyntaxError, UnicodeDecodeError) as e:
            print(f'warning: cannot parse {path}: {e}', file=sys.stderr)
            return

        def walk_module(body):
            for node in body:
                if isinstance(node, ast.ClassDef):
                    self.add_class(node, module)
                elif isinstance(node, ast.If):
                    walk_module(node.body)
                    walk_module(node.orelse)  # else branch last: its alias wins (the default import path)
                elif isinstance(node, ast.Try):
                    walk_module(node.body)
                elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    target = node.targets[0].id
                    src_name = last_name(node.value) if isinstance(node.value, (ast.Name, ast.Attribute)) else None
                    if src_name and src_name != target:
                        self.aliases[target] = src_name

        walk_module(tree.body)

    def add_class(self, node, module):
        info = ClassInfo(node.name, [last_name(b) for b in node.bases if last_name(b)], module, ast.get_docstring(node))
        body = node.body
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                if name.startswith('_') or name == 'model_config':
                    continue
                ann = stmt.annotation
                if last_name(ann) == 'ClassVar':
                    continue
                f = {'annotation': ann, 'value': stmt.value}
                nxt = body[i + 1] if i + 1 < len(body) else None
                if isinstance(nxt, ast.Expr) and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str):
                    f['docstring'] = nxt.value.value
                info.fields[name] = f
            elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                ok, v = literal(stmt.value)
                if ok and isinstance(v, (str, int)) and not stmt.targets[0].id.startswith('_'):
                    info.enum_values.append(v)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                # @field_validator("a", "b") / @validator(...): a deprecation message names the field.
                targets = []
                for d in stmt.decorator_list:
                    if isinstance(d, ast.Call) and last_name(d.func) in ('field_validator', 'validator'):
                        targets += [a.value for a in d.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
                if not targets:
                    continue
                msg = None
                for sub in ast.walk(stmt):
                    if isinstance(sub, ast.Call) and last_name(sub.func) in ('warning', 'warn', 'DeprecationWarning', 'ValueError') and sub.args:
                        msg = const_str(sub.args[0])
                    elif isinstance(sub, ast.Raise) and isinstance(sub.exc, ast.Call) and sub.exc.args:
                        msg = const_str(sub.exc.args[0])
                    if msg:
                        break
                for t in targets:
                    if msg:
                        info.validator_messages[t] = msg
        self.classes[node.name] = info
        self.by_module[(module, node.name)] = info

    def resolve(self, name, module=None, exclude=None):
        seen = set()
        while name in self.aliases and name not in self.classes and name not in seen:
            seen.add(name)
            name = self.aliases[name]
        if module is not None and (module, name) in self.by_module and self.by_module[(module, name)] is not exclude:
            return self.by_module[(module, name)]
        for (m, n), info in self.by_module.items():
            if n == name and info is not exclude and m != module:
                return info
        hit = self.classes.get(name)
        return hit if hit is not exclude else None

    def is_enum(self, info):
        return any(b in ('Enum', 'IntEnum', 'StrEnum', 'ExplicitEnum') or (self.resolve(b) and self.resolve(b) is not info and self.is_enum(self.resolve(b))) for b in info.bases)

    def is_model(self, info, seen=None):
        seen = seen or set()
        if info.name in seen:
            return False
        seen.add(info.name)
        for b in info.bases:
            if b in ('BaseModel', 'DeepSpeedConfigModel'):
                return True
            r = self.resolve(b)
            if r and r is not info and self.is_model(r, seen):
                return True
        return bool(info.fields)

    def all_fields(self, name, seen=None, info=None):
        """Fields of a class and its bases (bases first, the class's own override)."""
        info = info or self.resolve(name)
        if not info:
            return {}
        seen = seen or set()
        if id(info) in seen:
            return {}
        seen.add(id(info))
        out = {}
        for b in reversed(info.bases):
            base = self.resolve(b, info.module, exclude=info)
            if base is None:
                continue
            for k, v in self.all_fields(b, seen, base).items():
                out[k] = v
        for k, f in info.fields.items():
            out[k] = dict(f, owner=info.name)
        # Validator messages from any class in the hierarchy apply (DeprecatedParameters).
        return out

    def validator_messages(self, name, seen=None, info=None):
        info = info or self.resolve(name)
        if not info:
            return {}
        seen = seen or set()
        if id(info) in seen:
            return {}
        seen.add(id(info))
        out = {}
        for b in info.bases:
            base = self.resolve(b, info.module, exclude=info)
            if base is not None:
                out.update(self.validator_messages(b, seen, base))
        out.update(info.validator_messages)
        return out

    # ---- types ----
    def type_of(self, ann, depth):
        """(types, enum, nested) of an annotation."""
        types, enum, nested = set(), None, None
        if ann is None:
            return types, enum, nested
        if isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            try:
                return self.type_of(ast.parse(ann.value, mode='eval').body, depth)
            except SyntaxError:
                return types, enum, nested
        if isinstance(ann, ast.Constant) and ann.value is None:
            return {'null'}, None, None
        if isinstance(ann, ast.BinOp) and isinstance(ann.op, ast.BitOr):
            a = self.type_of(ann.left, depth)
            b = self.type_of(ann.right, depth)
            return merge_types(a, b)
        if isinstance(ann, ast.Subscript):
            outer = last_name(ann.value)
            args = ann.slice.elts if isinstance(ann.slice, ast.Tuple) else [ann.slice]
            if outer in ('Optional',):
                t = self.type_of(args[0], depth)
                return merge_types(t, ({'null'}, None, None))
            if outer in ('Union',):
                acc = (set(), None, None)
                for a in args:
                    acc = merge_types(acc, self.type_of(a, depth))
                return acc
            if outer == 'Literal':
                vals = []
                for a in args:
                    ok, v = literal(a)
                    if ok and not isinstance(v, dict):
                        vals.append(v)
                ts = {('null' if v is None else 'boolean' if isinstance(v, bool) else 'integer' if isinstance(v, int) else 'number' if isinstance(v, float) else 'string') for v in vals}
                # Literal / Enum types are closed: their values are the only ones of that type (FREE marks open ones).
                return ts, [v for v in vals if v is not None] or None, None
            if outer in ('Annotated', 'Required', 'NotRequired'):
                return self.type_of(args[0], depth)
            if outer in ('list', 'List', 'Sequence', 'set', 'tuple', 'Tuple', 'conlist'):
                item = self.type_of(args[0], depth) if args else (set(), None, None)
                return {'array'}, None, {'items': schema_from(item)} if item[0] or item[2] else None
            if outer in ('dict', 'Dict', 'Mapping'):
                return {'object'}, None, None
            return self.type_of(ann.value, depth)
        n = last_name(ann)
        if n is None:
            return types, enum, nested
        if n in JSON_TYPES:
            t = JSON_TYPES[n]
            return ({t, FREE + t} if t != 'null' else {t}), None, None
        if n in ('Any', 'object'):
            return set(), None, None
        info = self.resolve(n)
        if info and self.is_enum(info):
            vals = info.enum_values
            ts = {'integer' if isinstance(v, int) else 'string' for v in vals}
            return ts or {'string'}, vals or None, None
        if info and self.is_model(info) and depth < MAX_DEPTH:
            return {'object'}, None, {'properties': self.properties(n, depth + 1)}
        return set(), None, None  # an unknown class: say nothing rather than something wrong

    def option(self, name, f, depth, messages):
        types, enum, nested = self.type_of(f['annotation'], depth)
        out = {}
        value = f.get('value')
        default_set = False
        desc = None
        deprecated = None
        aliases = []
        choices = None
        if isinstance(value, ast.Call) and last_name(value.func) in ('Field', 'field'):
            d = kw(value, 'default')
            if d is None and value.args:
                d = value.args[0]
            if d is not None and not (isinstance(d, ast.Constant) and d.value is Ellipsis):
                ok, v = literal(d)
                if ok:
                    out['default'] = v
                    default_set = True
            desc = const_str(kw(value, 'description')) if kw(value, 'description') is not None else None
            extra = kw(value, 'json_schema_extra')
            if extra is not None:
                if desc is None and dict_get(extra, 'description') is not None:
                    desc = const_str(dict_get(extra, 'description'))
                dep = dict_get(extra, 'deprecated')
                if dep is not None:
                    ok, v = literal(dep)
                    if ok and v:
                        deprecated = True
                        nf = dict_get(extra, 'new_param')
                        if nf is not None and const_str(nf):
                            deprecated = f'deprecated; use `{const_str(nf)}`'
            dep = kw(value, 'deprecated')
            if dep is not None:
                s = const_str(dep)
                ok, v = literal(dep)
                deprecated = s or (bool(v) if ok else True) or deprecated
            meta = kw(value, 'metadata')
            if meta is not None:
                h = dict_get(meta, 'help')
                if h is not None:
                    desc = const_str(h) or (ast.unparse(h) if not isinstance(h, ast.Constant) else None)
                c = dict_get(meta, 'choices')
                if c is not None:
                    ok, v = literal(c)
                    if ok and isinstance(v, (list, tuple)):
                        choices = list(v)
                dd = dict_get(meta, 'deprecated')
                if dd is not None:
                    deprecated = True
            al = kw(value, 'alias')
            if al is not None and const_str(al):
                aliases.append(const_str(al))
        elif value is not None:
            ok, v = literal(value)
            if ok:
                out['default'] = v
                default_set = True
        if desc is None and f.get('docstring'):
            desc = f['docstring']
        # Only validators of the Deprecated/Remapped parameter classes speak about the option itself
        # (others warn about a value, e.g. `datasets` with a deprecated `type:`).
        if name in messages and deprecated is None and re.search(r'deprecat|remapped', f.get('owner') or '', re.I) and re.search(r'deprecat|no longer|removed|use .* instead', messages[name], re.I):
            deprecated = clean(messages[name])
        if deprecated is None and desc and re.search(r'\bdeprecated\b', desc, re.I) and re.search(r'(this|argument|parameter|option|is|will be)\s+(is\s+)?deprecated|deprecated (and|in favor|since)|\[deprecated\]|^deprecated', desc, re.I):
            deprecated = True
        if isinstance(out.get('default'), dict) and '$enum' in out['default']:
            # SchedulerType.LINEAR and the like: the member's value when the enum is known.
            info = self.resolve(out['default']['$enum'])
            member = out['default']['member']
            val = None
            if info:
                for stmt in []:
                    pass
            out['default'] = val if val is not None else member.lower()
        if choices and not enum:
            enum = choices
        free = {t[len(FREE):] for t in types if t.startswith(FREE)}
        types = {t for t in types if not t.startswith(FREE)}
        enum_open = bool(enum) and not choices and any(
            ('string' if isinstance(e, str) else 'boolean' if isinstance(e, bool) else 'integer' if isinstance(e, int) else 'number') in free for e in enum)
        if types:
            t = sorted(types, key=lambda x: ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'].index(x) if x in ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'] else 9)
            out['type'] = t[0] if len(t) == 1 else t
        if enum:
            out['enum'] = [e for e in enum if isinstance(e, (str, int, float, bool))]
            if enum_open:
                out['enumOpen'] = True  # other values of the type are accepted too: suggestions, not a check
        if nested:
            out.update(nested)
        d = clean(desc)
        if d:
            out['description'] = d
        if deprecated:
            out['deprecated'] = deprecated if isinstance(deprecated, str) else True
        out['source'] = f.get('owner')
        if not default_set and 'default' in out:
            del out['default']
        return out, aliases

    def properties(self, root, depth=0, module=None):
        props = {}
        info = self.resolve(root, module)
        messages = self.validator_messages(root, None, info)
        for name, f in self.all_fields(root, None, info).items():
            opt, aliases = self.option(name, f, depth, messages)
            for key in aliases or [name]:
                props[key] = opt
            if aliases:
                props[name] = dict(opt, aliasOf=aliases[0])
        return props


def merge_types(a, b):
    ta, ea, na = a
    tb, eb, nb = b
    enum = None
    if ea or eb:
        enum = list(ea or []) + [x for x in (eb or []) if x not in (ea or [])]
    nested = None
    if na and nb:
        nested = {}
        if 'properties' in na or 'properties' in nb:
            nested['properties'] = merge_schema({'properties': na.get('properties') or {}}, {'properties': nb.get('properties') or {}})['properties']
        if 'items' in na or 'items' in nb:
            nested['items'] = merge_schema(na.get('items'), nb.get('items'))
    else:
        nested = na or nb
    # `X | None` where X says nothing: say nothing (the value may be anything).
    if (not ta and not na) or (not tb and not nb):
        return set(), enum if (ta or tb) else None, nested
    return ta | tb, enum, nested


def merge_schema(a, b):
    if not a:
        return b
    if not b:
        return a
    out = dict(a)
    if 'properties' in b:
        props = dict(a.get('properties', {}))
        for k, v in b['properties'].items():
            if k in props and props[k] != v:
                merged = dict(props[k])
                ta = props[k].get('type', [])
                tb = v.get('type', [])
                ta = ta if isinstance(ta, list) else [ta]
                tb = tb if isinstance(tb, list) else [tb]
                merged['type'] = sorted(set(ta) | set(tb)) if ta and tb else []
                if not merged['type']:
                    del merged['type']
                merged.pop('enum', None)  # the classes of a union disagree: suggest nothing
                merged.pop('default', None)
                props[k] = merged
            else:
                props[k] = v
        out['properties'] = props
    return out


def schema_from(t):
    types, enum, nested = t
    types = {x for x in types if not x.startswith(FREE)}
    out = {}
    if types:
        ts = sorted(types)
        out['type'] = ts[0] if len(ts) == 1 else ts
    if enum:
        out['enum'] = enum
    if nested:
        out.update(nested)
    return out


def files_under(root, patterns):
    out = []
    for p in patterns:
        out += sorted(glob.glob(os.path.join(root, p), recursive=True))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('framework', choices=['axolotl', 'llamafactory', 'trl', 'deepspeed'])
    ap.add_argument('src')
    ap.add_argument('--version', required=True)
    ap.add_argument('--commit', required=True)
    ap.add_argument('--transformers')
    ap.add_argument('--transformers-version')
    ap.add_argument('--transformers-commit')
    ap.add_argument('--handbook')
    ap.add_argument('--handbook-version')
    ap.add_argument('--handbook-commit')
    ap.add_argument('--legacy-trl', help='an older TRL tree whose options recipes still use (alignment-handbook pins trl>=0.19.1)')
    ap.add_argument('--legacy-trl-version')
    ap.add_argument('--legacy-trl-commit')
    ap.add_argument('--legacy-transformers')
    ap.add_argument('--legacy-transformers-version')
    ap.add_argument('--legacy-transformers-commit')
    ap.add_argument('--out')
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    out_path = a.out or os.path.join(here, '..', 'schemas', 'frameworks', f'{a.framework}.json')

    ex = Extractor()
    sources = []
    props = {}
    meta = {}

    def add_transformers():
        if not a.transformers:
            sys.exit(f'{a.framework} needs --transformers (TrainingArguments)')
        for f in files_under(a.transformers, ['src/transformers/training_args.py', 'src/transformers/training_args_seq2seq.py', 'src/transformers/trainer_utils.py', 'src/transformers/debug_utils.py']):
            ex.add_file(f, 'transformers')
        sources.append({'repository': 'huggingface/transformers', 'version': a.transformers_version, 'commit': a.transformers_commit, 'classes': ['TrainingArguments', 'Seq2SeqTrainingArguments']})

    if a.framework == 'axolotl':
        for f in files_under(a.src, ['src/axolotl/utils/schemas/**/*.py']):
            ex.add_file(f, 'axolotl')
        props = ex.properties('AxolotlInputConfig')
        plugin_files = files_under(a.src, ['src/axolotl/integrations/*/args.py'])
        for f in plugin_files:
            before = set(ex.classes)
            ex.add_file(f, 'plugin')
            plugin = os.path.basename(os.path.dirname(f))
            for cname in sorted(set(ex.classes) - before):
                info = ex.classes[cname]
                if ex.is_enum(info):
                    continue
                for k, v in ex.properties(cname).items():
                    if k not in props:
                        props[k] = dict(v, plugin=plugin)
        # Constants the semantic rules use, read from the same source (sets / dicts of strings).
        constants = {}
        for f in files_under(a.src, ['src/axolotl/utils/schemas/enums.py']):
            for node in ast.parse(open(f, encoding='utf-8').read()).body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and node.targets[0].id in ('ATTN_IMPLS_SUPPORTING_PACKING', 'LEGACY_ATTN_FLAG_TO_IMPL', 'CANONICAL_ATTN_IMPLS'):
                    v = node.value
                    if isinstance(v, ast.Call) and v.args:
                        v = v.args[0]
                    ok, val = literal(v)
                    if ok:
                        constants[node.targets[0].id] = sorted(val) if isinstance(val, (set, frozenset, list)) else val
        meta = {
            'constants': constants,
            'framework': 'axolotl', 'repository': 'axolotl-ai-cloud/axolotl', 'ignoresUnknownKeys': True,
            'unknownKeyEffect': 'axolotl validates the file with pydantic, which drops keys it does not know: the setting would be silently ignored',
            'classes': ['AxolotlInputConfig', 'integrations/*/args.py (plugins)'],
        }
    elif a.framework == 'llamafactory':
        add_transformers()
        for f in files_under(a.src, ['src/llamafactory/hparams/*.py']):
            ex.add_file(f, 'llamafactory')
        roots = ['ModelArguments', 'DataArguments', 'TrainingArguments', 'FinetuningArguments', 'GeneratingArguments']
        for r in roots:
            for k, v in ex.properties(r, 0, 'llamafactory').items():
                props.setdefault(k, v)
        templates = []
        for f in files_under(a.src, ['src/llamafactory/data/template.py']):
            for node in ast.walk(ast.parse(open(f, encoding='utf-8').read())):
                if isinstance(node, ast.Call) and last_name(node.func) == 'register_template':
                    n = kw(node, 'name')
                    if n is not None and const_str(n):
                        templates.append(const_str(n))
        if 'template' in props and templates:
            props['template']['enum'] = sorted(set(templates))
        meta = {
            'constants': {'templates': sorted(set(templates))},
            'framework': 'llamafactory', 'repository': 'hiyouga/LLaMA-Factory', 'ignoresUnknownKeys': False,
            'unknownKeyEffect': 'LLaMA-Factory stops at launch with "Some specified arguments are not used by the HfArgumentParser"',
            'classes': roots,
        }
    elif a.framework == 'trl':
        add_transformers()
        trl_files = files_under(a.src, ['trl/trainer/*_config.py', 'trl/scripts/utils.py'])
        for f in trl_files:
            ex.add_file(f, 'trl')
        roots = sorted(n for n, c in ex.classes.items() if c.module == 'trl' and (n.endswith('Config') or n == 'ScriptArguments') and not n.startswith('_') and n not in ('DatasetConfig', 'DatasetMixtureConfig') and not ex.is_enum(c))
        trainer_of = {}
        for r in roots:
            for k, v in ex.properties(r, 0, 'trl').items():
                if k not in props:
                    props[k] = v
                if v.get('source') not in ('TrainingArguments', 'Seq2SeqTrainingArguments'):
                    trainer_of.setdefault(k, []).append(r)
        if a.handbook:
            # alignment-handbook recipes: its configs extend TRL's (same class names, new fields).
            hb = Extractor()
            hb.classes, hb.aliases = dict(ex.classes), dict(ex.aliases)
            for f in files_under(a.handbook, ['src/alignment/configs.py']):
                ex.add_file(f, 'alignment-handbook')
            sources.append({'repository': 'huggingface/alignment-handbook', 'version': a.handbook_version, 'commit': a.handbook_commit, 'classes': ['ScriptArguments', 'SFTConfig', 'DPOConfig', 'ORPOConfig', 'GRPOConfig', 'ModelConfig']})
            for cname, c in ex.classes.items():
                if c.module != 'alignment-handbook':
                    continue
                for k, f in c.fields.items():
                    if k in props:
                        continue
                    opt, _ = ex.option(k, dict(f, owner=f'alignment-handbook {cname}'), 0, {})
                    props[k] = opt
        if a.legacy_trl:
            # Options of the older TRL (and transformers) that alignment-handbook recipes are written for,
            # removed since: known, but reported as removed rather than as unknown.
            old = Extractor()
            for f in files_under(a.legacy_transformers, ['src/transformers/training_args.py', 'src/transformers/training_args_seq2seq.py', 'src/transformers/trainer_utils.py', 'src/transformers/debug_utils.py']):
                old.add_file(f, 'transformers')
            for f in files_under(a.legacy_trl, ['trl/trainer/*_config.py', 'trl/scripts/utils.py']):
                old.add_file(f, 'trl')
            old_roots = sorted(n for n, c in old.classes.items() if c.module == 'trl' and (n.endswith('Config') or n == 'ScriptArguments') and not n.startswith('_') and n not in ('DatasetConfig', 'DatasetMixtureConfig') and not old.is_enum(c))
            for r in old_roots:
                for k, v in old.properties(r, 0, 'trl').items():
                    if k not in props:
                        props[k] = dict(v, removedAfter=f'TRL {a.legacy_trl_version} / transformers {a.legacy_transformers_version}')
            sources.append({'repository': 'huggingface/trl', 'version': a.legacy_trl_version, 'commit': a.legacy_trl_commit, 'classes': ['options removed since (removedAfter)']})
            sources.append({'repository': 'huggingface/transformers', 'version': a.legacy_transformers_version, 'commit': a.legacy_transformers_commit, 'classes': ['TrainingArguments (removedAfter)']})
        for k, trainers in trainer_of.items():
            if k in props:
                props[k]['trainers'] = sorted(set(trainers))
        meta = {
            'framework': 'trl', 'repository': 'huggingface/trl', 'ignoresUnknownKeys': True,
            'unknownKeyEffect': 'alignment-handbook and TRL scripts read the file into their argument dataclasses; a key none of them defines is ignored or stops the launch, depending on the script',
            'classes': roots,
        }
    elif a.framework == 'deepspeed':
        for f in files_under(a.src, ['deepspeed/runtime/zero/config.py', 'deepspeed/runtime/zero/offload_config.py', 'deepspeed/runtime/config_utils.py']):
            ex.add_file(f, 'deepspeed')
        zero = ex.properties('DeepSpeedZeroConfig')
        # Top-level keys: the string constants runtime/config.py reads from the config dict.
        top = {}
        consts = {}
        cnodes = []
        for cpath in files_under(a.src, ['deepspeed/runtime/constants.py', 'deepspeed/runtime/*/constants.py']):
            cnodes += ast.parse(open(cpath, encoding='utf-8').read()).body
        for node in cnodes:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                ok, v = literal(node.value)
                if ok:
                    consts[node.targets[0].id] = v
        # Every runtime module that reads a section of the top-level dict (config.py, precision_config.py, ...).
        cfg = '\n'.join(open(f, encoding='utf-8').read() for f in files_under(a.src, ['deepspeed/runtime/*.py', 'deepspeed/runtime/*/config.py']))
        used = set(re.findall(r'(?:param_dict|self\._param_dict|config)\s*(?:\[|\.get\(|,)\s*([A-Z][A-Z0-9_]+)', cfg)) | set(re.findall(r'get_scalar_param\(\s*param_dict\s*,\s*([A-Z][A-Z0-9_]+)', cfg)) | set(re.findall(r'if\s+([A-Z][A-Z0-9_]+)\s+in\s+param_dict', cfg))
        for name in sorted(used):
            v = consts.get(name)
            if isinstance(v, str) and re.fullmatch(r'[a-z][a-z0-9_]*', v):
                d = consts.get(name + '_DEFAULT', None)
                opt = {'source': 'runtime/config.py'}
                if name + '_DEFAULT' in consts and not isinstance(d, dict):
                    opt['default'] = d
                top[v] = opt
        top['zero_optimization'] = {'type': 'object', 'description': clean(ex.classes['DeepSpeedZeroConfig'].doc), 'properties': zero, 'source': 'DeepSpeedZeroConfig'}
        props = top
        meta = {
            'framework': 'deepspeed', 'repository': 'deepspeedai/DeepSpeed', 'ignoresUnknownKeys': True,
            'unknownKeyEffect': 'DeepSpeed rejects unknown keys inside `zero_optimization` (its pydantic model forbids extras) and ignores unknown top-level keys',
            'classes': ['DeepSpeedZeroConfig', 'runtime/config.py'],
            'topLevelOpen': True,
        }

    sources.insert(0, {'repository': meta['repository'], 'version': a.version, 'commit': a.commit, 'classes': meta.pop('classes')})
    doc = {
        '$comment': f'Generated by scripts/gen-framework-schemas.py from {meta["repository"]} {a.version} ({a.commit}); do not edit, regenerate.',
        **meta,
        'version': a.version,
        'commit': a.commit,
        'sources': sources,
        'properties': dict(sorted(props.items())),
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, 'w', encoding='utf-8') as fh:
        json.dump(doc, fh, indent=1, ensure_ascii=False, sort_keys=False)
        fh.write('\n')
    print(f'{out_path}: {len(props)} options')


if __name__ == '__main__':
    main()
