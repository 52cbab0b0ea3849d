/**
 * Models by portable name, so a notebook or a command line names a model in a way that survives being
 * shared, moved or an upgrade of the extension: a shipped model or family by its name (`baseline`, a family
 * folder under samples/models), or a folder by a path relative to where the cell or command runs (a
 * notebook's cells run in the notebook's folder). Resolved when the model is loaded, never written down as
 * an absolute path inside the installed extension.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LungcamInputError } from '../errors';
import { findPackageRoot } from '../io/packageRoot';

/** Where the shipped models live (samples/models in the package), or null when it cannot be found. */
export function shippedModelsDir(): string | null {
  try {
    const dir = path.join(findPackageRoot(__dirname), 'samples', 'models');
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isModelOrFamily = (dir: string) => ['metadata.json', 'family.json'].some((f) => existsSync(path.join(dir, f)));

/** Names of the shipped models and model families, sorted. */
export function shippedModelNames(): string[] {
  const root = shippedModelsDir();
  if (!root) return [];
  return readdirSync(root).filter((n) => isDir(path.join(root, n)) && isModelOrFamily(path.join(root, n))).sort();
}

/** A bare name (`baseline`) rather than a path (`./models/m`, `../m`, `/abs/m`, `C:\m`). */
export function isModelName(ref: string): boolean {
  return !!ref && !/[\\/]/.test(ref) && !ref.startsWith('.') && !path.isAbsolute(ref);
}

/**
 * The folder a model reference means: a path is taken relative to `base` (default: the working folder);
 * a bare name is a shipped model or family, else a folder of that name in `base`. Throws a one-line
 * LungcamInputError listing the shipped names when nothing matches.
 */
export function resolveModelDir(ref: string, base = process.cwd()): string {
  if (!isModelName(ref)) return path.resolve(base, ref);
  const shipped = shippedModelsDir();
  if (shipped && isDir(path.join(shipped, ref)) && isModelOrFamily(path.join(shipped, ref))) return path.join(shipped, ref);
  const local = path.resolve(base, ref);
  if (isDir(local)) return local;
  const names = shippedModelNames();
  throw new LungcamInputError(
    `no model called "${ref}": ${names.length ? `the shipped models are ${names.join(', ')}` : 'no shipped models were found'}; for your own model give its folder as a path (./${ref} or an absolute path)`,
    ref,
  );
}

/**
 * How a notebook cell should name `dir`: the shipped model's name when it is one, else a path relative to
 * the notebook's folder when it lies at most `maxUp` folders up (so the notebook moves with it), else the
 * absolute path (a model of the user's own elsewhere on this machine).
 */
export function portableModelRef(dir: string, notebookDir: string, maxUp = 1): string {
  const shipped = shippedModelsDir();
  const abs = path.resolve(dir);
  if (shipped && path.dirname(abs) === path.resolve(shipped) && isModelOrFamily(abs)) return path.basename(abs);
  return relativeWhenNear(abs, notebookDir, maxUp);
}

/**
 * `target` as a cell spells it: `./x` or `../x` relative to `fromDir` when it climbs at most `maxUp`
 * folders (it moves with the notebook), else absolute.
 */
export function relativeWhenNear(target: string, fromDir: string, maxUp: number): string {
  const rel = path.relative(fromDir, target).split(path.sep).join('/');
  const ups = rel.split('/').filter((p) => p === '..').length;
  if (!rel || path.isAbsolute(rel) || ups > maxUp) return target;
  return rel.startsWith('.') ? rel : `./${rel}`;
}
