"""openbadgeslib's Data Integrity verifier, stock, as an independent verifier for Merit's interoperability tests.

Run with interop/.venv-openbadgeslib/bin/python (its own environment: openbadgeslib[ldp] 4.6.3 needs PyLD 3.3).
Before openbadgeslib is imported, every socket connection and name lookup to a host other than loopback is refused
and recorded, so nothing is fetched from the network; the refusals are returned with every answer.

It reads JSON requests, one per line, on standard input and writes one JSON response per line:
  {"op": "verify", "document": {...}, "checkStatus": false, "verifyStatusList": true, "loopback": false}
and answers {"ok": true, "result": {"verified": bool, "error": message or null, "verifier": what was called,
"credentials": [each embedded credential's result, for a presentation]}, "refused": [...]}.

What is called, as a user of the library would:
* an OpenBadgeCredential/AchievementCredential: ``OB3LdpVerifier().verify`` (its contexts, its did:key and did:web
  resolution; ``check_status`` and ``verify_status_list`` as requested);
* any other credential (status lists, accreditations, trust lists): the library's schema-agnostic building block,
  ``resolve_verification_method`` then ``verify_data_integrity_proof``, after the check OB3LdpVerifier makes of
  every proof, that the verification method belongs to the issuer's DID;
* a presentation: the same building block with ``expected_proof_purpose="authentication"`` and the holder's DID
  (the library has no presentation verifier and ignores challenge and domain), then each embedded credential. The
  building block verifies one proof and refuses a document that carries several ("refusing to guess which one speaks
  for it"); a presentation may carry a proof set (Merit's: an ``authentication`` proof and an ``assertionMethod``
  one, docs/decisions/0012-presentation-proofs.md). So each proof of the set is handed to it on its own, with the
  document it secures, for the purpose it declares (``authentication`` or ``assertionMethod``); one at least must be
  for ``authentication``, and every one must verify.
``loopback`` gives the library's own downloader its documented options for a private deployment
(``allow_insecure=True, allow_private=True``), so a status list or did:web document can be served on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import json
import socket
import sys
from typing import Any

REFUSED: list[str] = []


def _loopback(host: Any) -> bool:
    name = str(host).strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("::ffff:")).is_loopback
    except ValueError:
        return False


def _refuse(target: Any) -> OSError:
    REFUSED.append(str(target))
    print(f"[offline-guard] refused {target}", file=sys.stderr)
    return ConnectionRefusedError(f"offline guard: connection to {target} refused (only loopback is allowed)")


def _guard() -> None:
    getaddrinfo = socket.getaddrinfo
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _loopback(host if not isinstance(host, bytes) else host.decode()):
            raise _refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    def address_allowed(sock: socket.socket, address: Any) -> bool:
        return sock.family not in (socket.AF_INET, socket.AF_INET6) or _loopback(address[0])

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not address_allowed(self, address):
            raise _refuse(address[0])
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if not address_allowed(self, address):
            _refuse(address[0])
            return 111  # ECONNREFUSED
        return connect_ex(self, address)

    socket.getaddrinfo = guarded_getaddrinfo  # type: ignore[assignment]
    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]


_guard()

from openbadgeslib.ob3 import OB3LdpVerifier, resolve_verification_method, verify_data_integrity_proof  # noqa: E402
from openbadgeslib.util import download_file  # noqa: E402

OB_TYPES = {"OpenBadgeCredential", "AchievementCredential"}


def _types(document: dict[str, Any]) -> set[str]:
    value = document.get("type", [])
    return {value} if isinstance(value, str) else {t for t in value if isinstance(t, str)}


def _proofs(document: dict[str, Any]) -> list[Any]:
    proofs = document.get("proof")
    return proofs if isinstance(proofs, list) else [proofs]


def _proof(document: dict[str, Any]) -> dict[str, Any]:
    return next((p for p in _proofs(document) if isinstance(p, dict)), {})


def _party(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


def _data_integrity(document: dict[str, Any], party: Any, purpose: str, download: Any) -> None:
    """The library's building block, with the binding its OB3 verifier checks: the method is the party's DID's."""
    method = _proof(document).get("verificationMethod")
    if not isinstance(method, str) or method.partition("#")[0] != party:
        raise ValueError(f"proof verificationMethod {method!r} does not belong to {party!r}")
    pem = resolve_verification_method(method, download=download)
    verify_data_integrity_proof(document, pem, expected_proof_purpose=purpose)


def _presentation(document: dict[str, Any], download: Any) -> None:
    """Each proof of the presentation on its own (see the module's docstring), by the holder."""
    proofs = _proofs(document)
    purposes = [p.get("proofPurpose") if isinstance(p, dict) else None for p in proofs]
    if "authentication" not in purposes:
        raise ValueError(f"the presentation has no authentication proof (proof purposes: {purposes})")
    for proof, purpose in zip(proofs, purposes, strict=True):
        if purpose not in ("authentication", "assertionMethod"):
            raise ValueError(f"a presentation's proof is for authentication or assertionMethod, not {purpose!r}")
        _data_integrity({**document, "proof": proof}, _party(document.get("holder")), purpose, download)


def _credential(document: Any, request: dict[str, Any], download: Any) -> dict[str, Any]:
    if not isinstance(document, dict):
        return {"verified": False, "error": "not a JSON object", "verifier": None}
    if OB_TYPES & _types(document):
        verifier = "OB3LdpVerifier.verify"
        call = functools.partial(
            OB3LdpVerifier().verify,
            document,
            check_status=request.get("checkStatus", False),
            download=download,
            verify_status_list=request.get("verifyStatusList", True),
        )
    else:
        verifier = "verify_data_integrity_proof"
        call = functools.partial(_data_integrity, document, _party(document.get("issuer")), "assertionMethod", download)
    try:
        call()
    except Exception as exc:  # every refusal of the library, whatever its class, is an answer
        return {"verified": False, "error": f"{type(exc).__name__}: {exc}", "verifier": verifier}
    return {"verified": True, "error": None, "verifier": verifier}


def verify(request: dict[str, Any]) -> dict[str, Any]:
    document = request["document"]
    download = (
        functools.partial(download_file, allow_insecure=True, allow_private=True) if request.get("loopback") else None
    )
    if "VerifiablePresentation" not in _types(document):
        return _credential(document, request, download)
    result: dict[str, Any] = {"verified": True, "error": None, "verifier": "verify_data_integrity_proof"}
    try:
        _presentation(document, download)
    except Exception as exc:
        result.update(verified=False, error=f"{type(exc).__name__}: {exc}")
    embedded = document.get("verifiableCredential", [])
    result["credentials"] = [
        _credential(c, request, download) for c in (embedded if isinstance(embedded, list) else [embedded])
    ]
    result["verified"] = result["verified"] and all(c["verified"] for c in result["credentials"])
    return result


def main() -> None:
    answers = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if request.get("op") != "verify":
                raise ValueError(f"Unknown operation {request.get('op')}.")
            # The library prints warnings ("Warning! <url> does not use TLS."): to standard error, not the answers.
            with contextlib.redirect_stdout(sys.stderr):
                response: dict[str, Any] = {"ok": True, "result": verify(request)}
        except Exception as exc:
            response = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        response["refused"] = REFUSED[:]
        REFUSED.clear()
        answers.write(json.dumps(response) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
