/**
 * Talking to a Jupyter Server (or a JupyterHub per-user server: the same REST + WebSocket API) through
 * `@jupyterlab/services`: the address and token the user typed, settings with a request timeout so an
 * unreachable host never hangs, and every failure turned into one sentence that says what to do.
 */
import { ServerConnection, KernelSpecAPI } from '@jupyterlab/services';
import WebSocket from 'ws';
import { KERNELSPEC } from '../shared/notebook';

/** The kernelspec `lungcam jupyter-install` registers: the one asked of the server. */
export const KERNEL_NAME = KERNELSPEC.name;
/** Long enough for a busy server's first kernelspec listing (it imports each kernel's package), short enough to say so. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ServerAddress {
  /** The server's base URL, ending in `/` (for JupyterHub: `https://hub/user/NAME/`). */
  baseUrl: string;
  token: string;
}

const CONNECT_AGAIN = 'then run "LungCAM: Connect to Jupyter Server…" again';
export const INSTALL_HINT = 'on the server, in a LungCAM checkout, run `npm install`, `npm install -g .` and then `lungcam jupyter-install` (see `lungcam jupyter-install --help`)';

/** Why the server could not be used; `message` is the user's sentence. */
export class JupyterServerError extends Error {
  constructor(
    message: string,
    readonly reason: 'bad-url' | 'not-connected' | 'unreachable' | 'token' | 'not-jupyter' | 'no-kernelspec' | 'server',
  ) {
    super(message);
    this.name = 'JupyterServerError';
  }
}

/**
 * The base URL and a token from what the user pasted: `http://host:8888/?token=abc` (what
 * `jupyter server list` prints) gives both; a JupyterLab or Hub page (`…/lab`, `…/tree`) gives its server.
 */
export function parseServerAddress(input: string): { baseUrl: string; token?: string } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new JupyterServerError(`"${input}" is not a URL: give the server's address, e.g. http://127.0.0.1:8888/`, 'bad-url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new JupyterServerError(`"${input}" is not an http(s) URL: give the server's address, e.g. http://127.0.0.1:8888/`, 'bad-url');
  }
  const token = url.searchParams.get('token') ?? undefined;
  let pathname = url.pathname.replace(/\/(lab|tree|notebooks|hub\/home)(\/.*)?$/, '/');
  if (!pathname.endsWith('/')) pathname += '/';
  return { baseUrl: `${url.protocol}//${url.host}${pathname}`, ...(token ? { token } : {}) };
}

/** `@jupyterlab/services` settings for Node: `ws` for WebSockets, the token in their URL, a timeout on every request. */
export function serverSettings(address: ServerAddress, requestTimeoutMs = REQUEST_TIMEOUT_MS): ServerConnection.ISettings {
  return ServerConnection.makeSettings({
    baseUrl: address.baseUrl,
    wsUrl: address.baseUrl.replace(/^http/, 'ws'),
    token: address.token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    // services keeps only the message of a failed fetch ("fetch failed"): give it the real cause
    fetch: (request: RequestInfo, init?: RequestInit) =>
      fetch(request, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }).catch((e: unknown) => {
        throw new TypeError(rootCause(e));
      }),
    init: { cache: 'no-store' },
  });
}

/** One sentence for a failed request to the server. */
export function describeServerError(e: unknown, address: Pick<ServerAddress, 'baseUrl'>): JupyterServerError {
  if (e instanceof JupyterServerError) return e;
  const at = `the Jupyter Server at ${address.baseUrl}`;
  if (e instanceof ServerConnection.ResponseError) {
    const status = e.response.status;
    if (status === 401 || status === 403) {
      return new JupyterServerError(`${cap(at)} refused the token (HTTP ${status}). Copy the token from the server (\`jupyter server list\` there, or JupyterHub's Token page), ${CONNECT_AGAIN}.`, 'token');
    }
    if (status === 404) {
      return new JupyterServerError(`No Jupyter Server API at ${address.baseUrl} (HTTP 404). Give the server's base URL (for JupyterHub: https://HUB/user/NAME/), ${CONNECT_AGAIN}.`, 'not-jupyter');
    }
    return new JupyterServerError(`${cap(at)} answered HTTP ${status}: ${firstLine(e.message)}.`, 'server');
  }
  const cause = rootCause(e);
  return new JupyterServerError(`Cannot reach ${at} (${cause}). Check the URL and that the server is running, ${CONNECT_AGAIN}.`, 'unreachable');
}

/** Checks the server answers with this token and offers the `lungcam` kernel; rejects with a JupyterServerError. */
export async function checkServer(address: ServerAddress, requestTimeoutMs?: number): Promise<void> {
  let names: string[];
  try {
    const specs = await KernelSpecAPI.getSpecs(serverSettings(address, requestTimeoutMs));
    names = Object.keys(specs.kernelspecs ?? {});
  } catch (e) {
    throw describeServerError(e, address);
  }
  if (!names.includes(KERNEL_NAME)) {
    throw new JupyterServerError(
      `The Jupyter Server at ${address.baseUrl} has no "${KERNEL_NAME}" kernel (it offers: ${names.join(', ') || 'none'}). To add it, ${INSTALL_HINT}; then run the cell again.`,
      'no-kernelspec',
    );
  }
}

function rootCause(e: unknown): string {
  let err = e as { message?: string; cause?: unknown; name?: string; code?: string } | undefined;
  for (let i = 0; i < 5 && err?.cause; i++) err = err.cause as typeof err;
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'no answer in time';
  const code = err?.code ?? '';
  const message = firstLine(err?.message ?? String(e));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
