// The .lungnb round trip without VS Code: file → nbformat → VS Code's cells → (its JSON message passing)
// → nbformat → file must give the same bytes for every notebook Jupyter writes, and refuse with one line
// what it could not write back unchanged.
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NotebookFormatError, readNotebook, stringifyNotebook, codePointOrder, MAX_NESTING } from '../../extension/nbformat';
import { notebookToPlain, plainToNotebook, type PlainNotebook } from '../../extension/notebookData';

/** What VS Code does to metadata on the way to its main process and back: JSON (numbers as doubles, Infinity → null). */
const overTheWire = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function roundTrip(text: string, edit?: (nb: PlainNotebook) => void): string {
  const plain = notebookToPlain(readNotebook(text));
  const carried: PlainNotebook = {
    metadata: overTheWire(plain.metadata),
    cells: plain.cells.map((c) => ({ ...c, metadata: overTheWire(c.metadata), outputs: c.outputs.map((o) => ({ items: o.items, metadata: overTheWire(o.metadata) })) })),
  };
  edit?.(carried);
  const { notebook, numberTokens } = plainToNotebook(carried);
  return stringifyNotebook(notebook, numberTokens);
}

const python = '/usr/bin/python3';
const hasNbformat = existsSync(python) && spawnSync(python, ['-c', 'import nbformat'], { stdio: 'ignore' }).status === 0;

describe('.lungnb round trip, byte for byte', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(path.join(tmpdir(), 'lungcam-nb-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps 60 Jupyter-written notebooks full of odd numbers, keys, sources and outputs byte for byte', { skip: hasNbformat ? false : 'needs python3-nbformat' }, () => {
    const r = spawnSync(python, [path.join(__dirname, 'fixtures', 'odd_notebooks.py'), dir, '60'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 60);
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      assert.equal(roundTrip(text), text, f);
    }
  });

  it('keeps number spellings JavaScript would change: 1.0, 1e-07, 20-digit integers, 1e400, -0.0, NaN, Infinity', () => {
    const text = '{\n "cells": [],\n "metadata": {\n  "a": 1.0,\n  "b": [1e-07, 100000000000000000001, 1e400, -0.0, NaN, -Infinity, 1E5, 0.10]\n },\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    const canonical = '{\n "cells": [],\n "metadata": {\n  "a": 1.0,\n  "b": [\n   1e-07,\n   100000000000000000001,\n   1e400,\n   -0.0,\n   NaN,\n   -Infinity,\n   1E5,\n   0.10\n  ]\n },\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    assert.equal(roundTrip(text), canonical);
    assert.equal(roundTrip(canonical), canonical);
  });

  it('sorts keys as Python does: numeric-like keys as text, astral characters after U+FFFF', () => {
    const keys = ['9', '10', '\u{1F600}', '\uff01', 'a', 'B', '__proto__'];
    assert.deepEqual([...keys].sort(codePointOrder), ['10', '9', 'B', '__proto__', 'a', '\uff01', '\u{1F600}']);
    const text = `{\n "cells": [],\n "metadata": {\n  "10": 1,\n  "9": 2,\n  "__proto__": {\n   "x": 1\n  },\n  "\uff01": 3,\n  "\u{1F600}": 4\n },\n "nbformat": 4,\n "nbformat_minor": 5\n}\n`;
    assert.equal(roundTrip(text), text);
  });

  it('keeps markdown outputs, a string source, lines split elsewhere than at newlines, and unknown fields', () => {
    const text = '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "m1",\n   "metadata": {},\n   "outputs": [\n    {\n     "output_type": "stream",\n     "text": "kept"\n    }\n   ],\n   "source": "# one string"\n  },\n  {\n   "cell_type": "code",\n   "execution_count": 1.0,\n   "id": "c1",\n   "metadata": {},\n   "outputs": [],\n   "source": [\n    "a = ",\n    "1\\n",\n    "b"\n   ],\n   "tool_specific": [\n    1.5e+300\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    assert.equal(roundTrip(text), text);
  });

  it('nesting up to what Jupyter writes round-trips; deeper is refused at open', () => {
    const nested = (depth: number) => {
      let v = '0';
      for (let i = 0; i < depth; i++) v = `{"k": ${v}}`;
      return `{"cells": [], "metadata": ${v}, "nbformat": 4, "nbformat_minor": 5}`;
    };
    const ok = roundTrip(nested(MAX_NESTING - 3));
    assert.equal(roundTrip(ok), ok);
    assert.throws(() => readNotebook(nested(MAX_NESTING + 5)), /nested more than 1000 levels deep/);
  });

  it('what was edited is written as Jupyter would; what was not keeps its spelling', () => {
    const text = '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": 3,\n   "id": "c1",\n   "metadata": {\n    "a": 1.0,\n    "b": 2.0\n   },\n   "outputs": [],\n   "source": "x"\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';
    const edited = roundTrip(text, (nb) => {
      nb.cells[0].value = 'x\ny';
      (nb.cells[0].metadata.metadata as Record<string, number>).b = 2.5;
    });
    assert.match(edited, /"a": 1\.0,\n {4}"b": 2\.5/);
    assert.match(edited, /"source": \[\n {4}"x\\n",\n {4}"y"\n {3}\]/);
  });
});

describe('.lungnb refusals: one line, the reason, the file left alone', () => {
  const notebook = (cell: string) => `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [${cell}]}`;
  const cases: [string, string, RegExp][] = [
    ['a number as source', notebook('{"cell_type": "code", "source": 5, "metadata": {}, "outputs": []}'), /cell 1's "source" is a number, not text/],
    ['a list of mixed values as source', notebook('{"cell_type": "markdown", "source": [1, null, {"x": 1}], "metadata": {}}'), /cell 1's "source" is a list, not text/],
    ['outputs that are an object', notebook('{"cell_type": "code", "source": "", "metadata": {}, "outputs": {}}'), /"outputs" is an object, not a list/],
    ['outputs that are a string', notebook('{"cell_type": "code", "source": "", "metadata": {}, "outputs": "str"}'), /"outputs" is a string, not a list/],
    ['a null output', notebook('{"cell_type": "code", "source": "", "metadata": {}, "outputs": [null]}'), /cell 1, output 1 is null without an "output_type"/],
    ['display data that is not an object', notebook('{"cell_type": "code", "source": "", "metadata": {}, "outputs": [{"output_type": "display_data", "data": "x"}]}'), /"data" is a string, not an object of MIME types/],
    ['a duplicate key', '{"nbformat": 4, "cells": [], "metadata": {"a": 1, "a": 2}}', /the key "a" appears twice in one object \(at metadata\)/],
    ['not JSON', '{"cells": [', /not valid JSON/],
  ];
  for (const [what, text, reason] of cases) {
    it(what, () => {
      assert.throws(() => readNotebook(text), (e: Error) => {
        assert.ok(e instanceof NotebookFormatError, String(e));
        assert.match(e.message, reason);
        assert.match(e.message, /file on disk was not changed/);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
    });
  }
});
