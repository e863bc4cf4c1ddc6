// Preloaded into every interop driver (node --require ./offline-guard.cjs): refuses every outgoing connection and
// DNS lookup whose host is not loopback (127.0.0.0/8, ::1, localhost), so an independent verifier can never reach a
// context, DID document, schema or status list on the network. Each refusal (the URL when fetch was called, else
// the host) is written to standard error as "[offline-guard] refused <target>" and kept for the drivers, which
// return it with their answer so that a test can report it:
//   globalThis.offlineGuard.run(request, operation) runs an operation as that request (an async context, so a retry
//   that a library schedules on a timer is still counted for the request that caused it), and
//   globalThis.offlineGuard.take(request) the refusals counted for it so far, plus any that came after their own
//   request had answered with none (a late one is named so).
'use strict';
const {AsyncLocalStorage} = require('node:async_hooks');
const dns = require('node:dns');
const net = require('node:net');

const requests = new AsyncLocalStorage();
const refused = [];
const answered = new Map(); // request -> whether its answer reported a refusal

globalThis.offlineGuard = {
  run: (request, operation) => requests.run(request, operation),
  take(request) {
    const taken = [];
    for(const {target, from} of refused.splice(0)) {
      if(from === request) {
        taken.push(target);
      } else if(answered.get(from) !== true) {
        taken.push(`${target} (late, from request ${from})`);
      }
    }
    answered.set(request, taken.length > 0);
    return taken;
  }
};

function loopback(host) {
  const name = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(name);
}

function refusal(target, code) {
  refused.push({target, from: requests.getStore()});
  process.stderr.write(`[offline-guard] refused ${target}\n`);
  const error = new Error(`offline guard: connection to ${target} refused (only loopback is allowed)`);
  error.code = code;
  return error;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function(...args) {
  const options = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host = 'localhost';
  if(options && typeof options === 'object') {
    host = options.path ? 'localhost' : (options.host ?? 'localhost');
  } else if(typeof args[1] === 'string') {
    host = args[1];
  } else if(typeof options === 'string' && !/^\d+$/.test(options)) {
    host = 'localhost'; // a Unix socket path
  }
  if(!loopback(host)) {
    const error = refusal(host, 'ECONNREFUSED');
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function(hostname, ...rest) {
  if(loopback(hostname)) {
    return lookup.call(this, hostname, ...rest);
  }
  const error = refusal(hostname, 'ENOTFOUND');
  const callback = rest[rest.length - 1];
  if(typeof callback !== 'function') {
    throw error;
  }
  process.nextTick(() => callback(error));
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function(hostname, ...rest) {
  return loopback(hostname) ? lookupPromise.call(this, hostname, ...rest) :
    Promise.reject(refusal(hostname, 'ENOTFOUND'));
};

// Node's fetch (undici) connects below net.Socket's JavaScript entry points in some versions: wrap it as well.
const originalFetch = globalThis.fetch;
globalThis.fetch = function(input, init) {
  const text = typeof input === 'string' ? input : (input?.url ?? String(input));
  let url;
  try {
    url = new URL(text);
  } catch {
    return originalFetch.call(this, input, init);
  }
  if(!loopback(url.hostname)) {
    return Promise.reject(refusal(url.href, 'ECONNREFUSED'));
  }
  return originalFetch.call(this, input, init);
};
