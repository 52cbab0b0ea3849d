/**
 * tslab reports a failed cell as text on stderr (no iopub `error` message): TypeScript diagnostics as
 * `LINE:COL - message`, runtime errors as Node prints them. We turn that into a Jupyter-style error
 * with the diagnostics' positions kept, so the cell's lines can be pointed at.
 */

export interface CellDiagnostic {
  /** 1-based line and column in the cell. */
  line: number;
  column: number;
  message: string;
}

export interface KernelError {
  ename: string;
  evalue: string;
  traceback: string[];
  diagnostics: CellDiagnostic[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;
const DIAGNOSTIC = /^(?:(\S+\.[jt]sx?) )?(\d+):(\d+) - (.*)$/;
const ERROR_HEAD = /^(?:Uncaught )?([A-Za-z_$][\w$]*(?:Error|Exception)|Error)(?: \[[^\]]*\])?: ?(.*)$/;

/** Stack frames from the cell or the user's modules; tslab's and Node's own frames are noise to the user. */
function isCellFrame(line: string): boolean {
  return /^\s+at /.test(line) && !/node:(vm|internal)|\/tslab\/dist\/|kernelMain\.js|sigintHandlersWrap/.test(line);
}

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

export function errorFromStderr(stderr: string): KernelError {
  const lines = stripAnsi(stderr).split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => l.length > 0);
  const diagnostics: CellDiagnostic[] = [];
  for (const l of lines) {
    const m = DIAGNOSTIC.exec(l);
    // diagnostics in other files (e.g. a module the cell declares) keep their file name in the message
    if (m) diagnostics.push({ line: Number(m[2]), column: Number(m[3]), message: m[1] ? `${m[1]}: ${m[4]}` : m[4] });
  }
  if (diagnostics.length > 0) {
    return {
      ename: 'TypeScript',
      evalue: diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'),
      traceback: diagnostics.map((d) => `line ${d.line}, column ${d.column}: ${d.message}`),
      diagnostics,
    };
  }
  if (/ERR_SCRIPT_EXECUTION_INTERRUPTED|Interrupted asynchronously/.test(stderr)) {
    return { ename: 'Interrupted', evalue: 'The cell was interrupted.', traceback: [], diagnostics };
  }
  const headAt = lines.findIndex((l) => ERROR_HEAD.test(l));
  if (headAt >= 0) {
    const [, ename, evalue] = ERROR_HEAD.exec(lines[headAt])!;
    // an input error is the user's to fix, not ours: no stack
    const traceback = ename === 'LungcamInputError' ? [] : lines.slice(headAt + 1).filter(isCellFrame).map((l) => l.trim());
    return { ename, evalue, traceback, diagnostics };
  }
  const text = lines.join('\n');
  return { ename: 'Error', evalue: text || 'the cell failed without a message', traceback: [], diagnostics };
}
