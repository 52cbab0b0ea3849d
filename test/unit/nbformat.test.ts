// nbformat 4 parsing/writing used by the .lungnb serializer (extension/nbformat.ts; no VS Code needed).
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  parseNotebook, stringifyNotebook, splitLines, joinSource, mimeValueToBytes, bytesToMimeValue,
  notebookLanguage, NotebookFormatError,
} from '../../extension/nbformat';

const fixture = path.join(__dirname, '..', 'integration', 'fixtures', 'roundtrip.lungnb');

describe('nbformat parsing', () => {
  it('rejects corrupt content with a one-line reason that says the file was left unchanged', () => {
    const cases: [string, RegExp][] = [
      ['{"cells": [', /not valid JSON/],
      ['[1, 2]', /JSON array, not an nbformat 4 notebook/],
      ['{"nbformat": 3, "worksheets": []}', /nbformat 3, and LungCAM reads nbformat 4 only/],
      ['{"metadata": {}, "cells": []}', /no "nbformat" field/],
      ['{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', /no "cells" list/],
      ['{"nbformat": 4, "cells": [{"cell_type": "widget"}]}', /cell 1 is not a markdown, code or raw cell/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(() => parseNotebook(text), (e: Error) => {
        assert.ok(e instanceof NotebookFormatError);
        assert.match(e.message, reason);
        assert.match(e.message, /file on disk was not changed/);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
    }
  });

  it('opens an empty file (as VS Code creates a new one) as an empty notebook naming the lungcam kernelspec', () => {
    const nb = parseNotebook('  \n');
    assert.deepEqual(nb.cells, []);
    assert.equal(notebookLanguage(nb.metadata), 'typescript');
    assert.equal((nb.metadata.kernelspec as { name: string }).name, 'lungcam', 'the kernelspec `lungcam jupyter-install` registers');
  });

  it('writes a Jupyter-written notebook back byte for byte (sorted keys, indent 1, final newline)', () => {
    const text = readFileSync(fixture, 'utf8');
    assert.equal(stringifyNotebook(parseNotebook(text)), text);
  });
});

describe('nbformat multiline strings and MIME values', () => {
  it('splits text into lines that keep their newline, as Jupyter does', () => {
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
    assert.deepEqual(splitLines('a\nb\n'), ['a\n', 'b\n']);
    assert.deepEqual(splitLines('\n\n'), ['\n', '\n']);
    assert.deepEqual(splitLines(''), []);
    assert.equal(joinSource(splitLines('x\n\ny')), 'x\n\ny');
  });

  it('decodes base64 images to bytes and encodes them back', () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4z8AAAAMBAQAY3Y2wAAAAAElFTkSuQmCC';
    const bytes = mimeValueToBytes('image/png', png);
    assert.deepEqual(Array.from(bytes.slice(0, 4)), [0x89, 0x50, 0x4e, 0x47]);
    assert.equal(bytesToMimeValue('image/png', bytes), png);
  });

  it('keeps JSON MIME values as objects and text MIME values as lines; SVG stays text', () => {
    const cam = { layer: 'conv3', values: [0.25, 1] };
    const bytes = mimeValueToBytes('application/vnd.lungcam.cam+json', cam);
    assert.deepEqual(bytesToMimeValue('application/vnd.lungcam.cam+json', bytes), cam);
    assert.deepEqual(bytesToMimeValue('text/plain', mimeValueToBytes('text/plain', ['a\n', 'b'])), ['a\n', 'b']);
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"/>';
    assert.equal(new TextDecoder().decode(mimeValueToBytes('image/svg+xml', svg)), svg);
  });
});
