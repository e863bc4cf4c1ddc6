// The Digital Credentials Consortium's verifier (@digitalcredentials/verifier-core, the verifier of Learner
// Credential Wallet and VerifierPlus), exactly as it ships: its own document loader and suites, no registry.
// Run it under the offline guard: node --require ./offline-guard.cjs dcc.mjs
//
// It reads JSON requests, one per line, on standard input and writes one JSON response per line:
//   {"op": "verifyCredential", "credential": {...}}
//   {"op": "verifyPresentation", "presentation": {...}, "challenge": "..."}   ("challenge" optional)
// and answers {"ok": true, "result": <what verifier-core returned, less the echoed credentials and stack traces>,
// "refused": [every connection the offline guard refused while answering], "log": [what verifier-core logged]}.
import {createInterface} from 'node:readline';
import {verifyCredential, verifyPresentation} from '@digitalcredentials/verifier-core';

// verifier-core logs with console.log (its schema check prints "error checking schema: ..."), which would mix with
// the answers on standard output: everything it logs goes to standard error and, as text, into the answer ("log").
const logged = [];
for(const name of ['log', 'info', 'debug', 'warn', 'error']) {
  console[name] = (...items) => {
    const text = items.map(item => item instanceof Error ? `${item.name}: ${item.message}` : String(item)).join(' ');
    logged.push(text);
    process.stderr.write(text + '\n');
  };
}

if(!globalThis.offlineGuard) {
  throw new Error('dcc.mjs must run under the offline guard: node --require ./offline-guard.cjs dcc.mjs');
}

// "No registry configured": verifier-core hands knownDIDRegistries to RegistryClient.use, which needs a list.
const knownDIDRegistries = [];

// What verifier-core returns, as JSON: the credentials it echoes back are dropped (the caller has them) and errors
// (stack traces, causes) become their messages.
function plain(value, key) {
  if(key === 'credential' || key === 'stackTrace' || key === 'stack') {
    return undefined;
  }
  if(value instanceof Error) {
    return {name: value.name, message: value.message, ...(value.errors ? {errors: plain(value.errors)} : {})};
  }
  if(Array.isArray(value)) {
    return value.map(item => plain(item));
  }
  if(value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, k)]).filter(([, v]) => v !== undefined));
  }
  return value;
}

const operations = {
  verifyCredential: ({credential}) => verifyCredential({credential, knownDIDRegistries}),
  verifyPresentation: ({presentation, challenge}) =>
    verifyPresentation({presentation, ...(challenge === undefined ? {} : {challenge}), knownDIDRegistries})
};

const lines = createInterface({input: process.stdin, crlfDelay: Infinity});
let requestNumber = 0;
for await (const line of lines) {
  if(!line.trim()) {
    continue;
  }
  let response;
  try {
    const request = JSON.parse(line);
    const operation = operations[request.op];
    if(!operation) {
      throw new Error(`Unknown operation ${request.op}.`);
    }
    const result = await globalThis.offlineGuard.run(requestNumber, () => operation(request));
    response = {ok: true, result: plain(result)};
  } catch(e) {
    response = {ok: false, error: e.message || String(e)};
  }
  response.refused = globalThis.offlineGuard.take(requestNumber++);
  response.log = logged.splice(0);
  process.stdout.write(JSON.stringify(response) + '\n');
}
