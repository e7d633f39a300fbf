"""The Node.js worker runtime, kept as a string so it ships inside the Python package.

The service writes it to its runtime folder and runs ``node [--max-old-space-size=MB] worker.js <result-fd>``.
Same protocol as pyworker.py: JSON lines in on stdin, log chunks and results out on the result fd.
Supports callback handlers ``(event, context, callback)`` and async/promise handlers. As in the classic
Node runtimes, ``callback(err)`` is a *Handled* error and a throw/rejection is *Unhandled*.
"""
from __future__ import annotations

SOURCE = r"""'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const util = require('util');
const { pathToFileURL } = require('url');

const OUT = Number(process.argv[2]);
let requestId = undefined;
let current = null;  // the finish() of the call in progress

function send(msg) {
  const buf = Buffer.from(JSON.stringify(msg) + '\n');
  let off = 0;
  while (off < buf.length) {
    try { off += fs.writeSync(OUT, buf, off, buf.length - off); }
    catch (e) { if (e.code !== 'EAGAIN') throw e; }
  }
}
function line(level, args) {
  return `${new Date().toISOString()}\t${requestId}\t${level}\t${util.format(...args)}\n`;
}
console.log = (...a) => send({ type: 'log', data: line('INFO', a) });
console.info = console.log;
console.warn = (...a) => send({ type: 'log', data: line('WARN', a) });
console.error = (...a) => send({ type: 'log', data: line('ERROR', a) });
console.debug = (...a) => send({ type: 'log', data: line('DEBUG', a) });
console.trace = (...a) => send({ type: 'log', data: line('TRACE', a) });
const rawWrite = (chunk, enc, cb) => {
  send({ type: 'log', data: String(chunk) });
  if (typeof enc === 'function') enc(); else if (typeof cb === 'function') cb();
  return true;
};
process.stdout.write = rawWrite;
process.stderr.write = rawWrite;

function errorBody(err) {
  if (err instanceof Error) {
    const stack = String(err.stack || '').split('\n').slice(1).map((s) => s.trim());
    const body = { errorType: err.name || (err.constructor && err.constructor.name) || 'Error',
                   errorMessage: err.message, stackTrace: stack };
    for (const k of ['code', 'errno', 'syscall', 'hostname']) if (err[k] !== undefined) body[k] = err[k];
    return body;
  }
  if (typeof err === 'string') return { errorMessage: err };
  let text;
  try { text = JSON.stringify(err); } catch (e) { text = String(err); }
  return { errorMessage: text };
}
function maxRss() {
  try { return Math.ceil(process.resourceUsage().maxRSS / 1024); } catch (e) { return 0; }
}

async function loadHandler() {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const spec = process.env._HANDLER || 'index.handler';
  const slash = spec.lastIndexOf('/');
  const dot = spec.indexOf('.', slash + 1);
  if (dot < 0) throw Object.assign(new Error(`Bad handler ${spec}`), { name: 'Runtime.MalformedHandlerName' });
  const modPath = path.resolve(root, spec.slice(0, dot));
  const fnPath = spec.slice(dot + 1).split('.');
  let mod;
  const candidates = ['.js', '.cjs', '.mjs'].map((e) => modPath + e).filter((f) => fs.existsSync(f));
  if (candidates.length === 0) {
    throw Object.assign(new Error(`Cannot find module '${spec.slice(0, dot)}'`), { name: 'Runtime.ImportModuleError' });
  }
  const file = candidates[0];
  if (file.endsWith('.mjs')) mod = await import(pathToFileURL(file).href);
  else {
    try { mod = require(file); }
    catch (e) {
      if (e.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(file).href);
      else if (e instanceof SyntaxError) { e.name = 'Runtime.UserCodeSyntaxError'; throw e; }
      else throw e;
    }
  }
  let fn = mod;
  for (const part of fnPath) fn = fn == null ? undefined : fn[part];
  if (typeof fn !== 'function') {
    throw Object.assign(new Error(`${spec} is undefined or not exported`), { name: 'Runtime.HandlerNotFound' });
  }
  return fn;
}

function invoke(handler, req) {
  return new Promise((resolve) => {
    let finished = false;
    const finish = (kind, value) => { if (!finished) { finished = true; current = null; resolve([kind, value]); } };
    current = finish;
    const callback = (err, result) => {
      if (err !== undefined && err !== null) finish('handled', err); else finish('ok', result);
    };
    const cc = req.client_context || null;
    const context = {
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      invokedFunctionArn: req.invoked_function_arn,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: req.request_id,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      identity: undefined,
      clientContext: cc ? { client: cc.client, Custom: cc.custom, env: cc.env } : undefined,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, req.deadline_ms - Date.now()),
      done: callback,
      succeed: (r) => callback(null, r),
      fail: (e) => callback(e === undefined || e === null ? 'handled' : e),
    };
    let ret;
    try {
      ret = handler(JSON.parse(req.payload || '{}'), context, callback);
    } catch (e) { finish('unhandled', e); return; }
    if (ret && typeof ret.then === 'function') ret.then((r) => finish('ok', r), (e) => finish('unhandled', e));
  });
}

function fatal(e) {
  const body = errorBody(e);
  send({ type: 'log', data: line('ERROR', ['Uncaught Exception \t' + JSON.stringify(body)]) });
  send({ type: 'result', ok: false, exit: true, error: body, max_rss_mb: maxRss() });
  process.exit(1);
}
// Don't outlive a service that died without killing us.
const PARENT = process.ppid;
setInterval(() => { if (process.ppid !== PARENT) process.exit(0); }, 500).unref();
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

(async () => {
  const t0 = Date.now();
  let handler;
  try { handler = await loadHandler(); }
  catch (e) { send({ type: 'init_error', error: errorBody(e) }); process.exit(1); }
  send({ type: 'ready', init_ms: Date.now() - t0 });
  const rl = readline.createInterface({ input: process.stdin });
  const queue = [];
  let busy = false;
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length) {
      const req = JSON.parse(queue.shift());
      requestId = req.request_id;
      const [kind, value] = await invoke(handler, req);
      if (kind === 'ok') {
        let payload;
        try { payload = value === undefined ? 'null' : JSON.stringify(value); }
        catch (e) {
          send({ type: 'result', ok: false, error: { errorType: 'Runtime.MarshalError', errorMessage: e.message },
                 max_rss_mb: maxRss() });
          continue;
        }
        send({ type: 'result', ok: true, payload: payload === undefined ? 'null' : payload, max_rss_mb: maxRss() });
      } else {
        const body = errorBody(value);
        if (kind === 'unhandled' && typeof value === 'string') body.errorType = 'string';
        send({ type: 'log', data: line('ERROR', ['Invoke Error \t' + JSON.stringify(body)]) });
        send({ type: 'result', ok: false, handled: kind === 'handled', error: body, max_rss_mb: maxRss() });
      }
    }
    busy = false;
  };
  rl.on('line', (l) => { queue.push(l); pump(); });
  rl.on('close', () => process.exit(0));
})();
"""
