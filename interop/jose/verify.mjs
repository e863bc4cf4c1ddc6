// Verifies JWTs with panva/jose: reads [{token, jwk, typ}] as JSON on stdin, writes [{ok, header, payload} or
// {ok: false, error}] as JSON on stdout. jwtVerify checks the signature, the algorithm against the key, and the
// JWT's nbf and exp; typ is checked when given.
import { importJWK, jwtVerify } from "jose";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const requests = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const answers = [];
for (const { token, jwk, typ } of requests) {
  try {
    const alg = JSON.parse(Buffer.from(token.split(".")[0], "base64url").toString("utf8")).alg;
    const key = await importJWK(jwk, alg);
    const { payload, protectedHeader } = await jwtVerify(token, key, typ ? { typ } : {});
    answers.push({ ok: true, header: protectedHeader, payload });
  } catch (error) {
    answers.push({ ok: false, error: `${error.code ?? error.name}: ${error.message}` });
  }
}
process.stdout.write(JSON.stringify(answers));
