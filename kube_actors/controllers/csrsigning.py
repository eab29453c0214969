"""The csrsigning controller: signs approved kubelet client certificates with the cluster CA
(Kubernetes' ``pkg/controller/certificates/signer``, the ``kube-apiserver-client-kubelet``
signer of kube-controller-manager's ``csrsigning``).

A CertificateSigningRequest for ``kubernetes.io/kube-apiserver-client-kubelet`` that is
approved, not failed and not issued yet is checked once more as a kubelet's client
certificate; one that is not gets the condition ``Failed`` (reason
``SignerValidationFailure``) and is never signed. Otherwise its request is signed by the CA:
the subject as asked, the key usages and extended key usages of ``spec.usages``, valid from
five minutes ago (clocks differ) for ``spec.expirationSeconds`` — at most
``--cluster-signing-duration`` (one year by default), at least ten minutes — and never past
the CA's own end. The PEM certificate goes to ``status.certificate``.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Final

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..actors import wall_clock
from ..api import (
    KUBELET_CLIENT_SIGNER,
    CertificateSigningRequest,
)
from ..client import Client, SharedInformer
from ..errors import Conflict, NotFound
from ..reconcile import ControllerSpec, Request, Result, reconcile_log
from ._context import ControllerContext, SigningAuthority
from ._kubelet_csr import (
    is_approved,
    is_failed,
    kubelet_client_problem,
    parse_csr,
    with_condition,
)

__all__ = [
    "BACKDATE",
    "COMPONENT",
    "DEFAULT_DURATION",
    "WORKERS",
    "CsrSigningReconciler",
    "controller",
    "sign_request",
]

#: The client name, as kube-controller-manager names the certificate controllers.
COMPONENT = "certificate-controller"
#: kube-controller-manager runs it with 5 workers.
WORKERS = 5
#: ``--cluster-signing-duration``'s default: one year.
DEFAULT_DURATION: Final = dt.timedelta(hours=8760)
#: Certificates start this long before they are signed (clocks of nodes differ).
BACKDATE: Final = dt.timedelta(minutes=5)
#: The shortest duration signed, whatever ``expirationSeconds`` asks (twice the backdate).
MIN_DURATION: Final = dt.timedelta(minutes=10)
#: Shorter than this a certificate's end is not moved back by the backdate.
_SHORT: Final = dt.timedelta(hours=8)

_KEY_USAGES: Final = {
    "digital signature": "digital_signature",
    "content commitment": "content_commitment",
    "key encipherment": "key_encipherment",
    "key agreement": "key_agreement",
    "data encipherment": "data_encipherment",
    "cert sign": "key_cert_sign",
    "crl sign": "crl_sign",
    "encipher only": "encipher_only",
    "decipher only": "decipher_only",
}
_EXTENDED_USAGES: Final = {
    "any": ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
    "server auth": ExtendedKeyUsageOID.SERVER_AUTH,
    "client auth": ExtendedKeyUsageOID.CLIENT_AUTH,
    "code signing": ExtendedKeyUsageOID.CODE_SIGNING,
    "email protection": ExtendedKeyUsageOID.EMAIL_PROTECTION,
    "timestamping": ExtendedKeyUsageOID.TIME_STAMPING,
    "ocsp signing": ExtendedKeyUsageOID.OCSP_SIGNING,
}


def _duration(expiration_seconds: int | None, maximum: dt.timedelta) -> dt.timedelta:
    if expiration_seconds is None:
        return maximum
    return max(MIN_DURATION, min(maximum, dt.timedelta(seconds=expiration_seconds)))


def _key_usage(usages: tuple[str, ...]) -> x509.KeyUsage:
    flags = dict.fromkeys(_KEY_USAGES.values(), False)
    for usage in usages:
        if usage in _KEY_USAGES:
            flags[_KEY_USAGES[usage]] = True
    return x509.KeyUsage(**flags)


def sign_request(
    request: x509.CertificateSigningRequest,
    usages: tuple[str, ...],
    authority: SigningAuthority,
    *,
    now: dt.datetime,
    duration: dt.timedelta,
) -> bytes:
    """The PEM certificate for ``request``, signed by ``authority``, valid ``duration``."""
    ca = x509.load_pem_x509_certificate(authority.cert_pem)
    key = serialization.load_pem_private_key(authority.key_pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise TypeError("the signing key is neither an EC nor an RSA key")
    not_after = now + duration if duration < _SHORT else now + duration - BACKDATE
    not_after = min(not_after, ca.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(request.subject)
        .issuer_name(ca.subject)
        .public_key(request.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(usages), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
    )
    extended = [_EXTENDED_USAGES[u] for u in usages if u in _EXTENDED_USAGES]
    if extended:
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM)


class CsrSigningReconciler:
    """Signs approved kubelet client CSRs with the authority ``authority()`` answers."""

    def __init__(
        self,
        *,
        client: Client,
        csrs: SharedInformer[CertificateSigningRequest],
        authority: Callable[[], SigningAuthority | None],
        duration: dt.timedelta = DEFAULT_DURATION,
    ) -> None:
        self.client = client
        self.csrs = csrs
        self.authority = authority
        self.duration = duration

    async def reconcile(self, request: Request) -> Result:
        csr = self.csrs.indexer.get(request.name)
        if csr is None or csr.status.certificate or not is_approved(csr) or is_failed(csr):
            return Result()
        if csr.spec.signer_name != KUBELET_CLIENT_SIGNER:
            return Result()
        try:
            x509_request = parse_csr(csr)
        except ValueError as error:
            reconcile_log().warning("csr_unparseable", error=str(error))
            return Result()
        problem = kubelet_client_problem(x509_request, csr.spec.usages)
        if problem:
            return await self._fail(csr, problem)
        if not x509_request.is_signature_valid:
            reconcile_log().warning("csr_signature_invalid")
            return Result()
        authority = self.authority()
        if authority is None:
            return Result(requeue=True)  # no CA yet (the API is not served yet)
        pem = sign_request(
            x509_request,
            csr.spec.usages,
            authority,
            now=wall_clock(),
            duration=_duration(csr.spec.expiration_seconds, self.duration),
        )
        status = attrs.evolve(csr.status, certificate=base64.b64encode(pem).decode())
        return await self._write(attrs.evolve(csr, status=status), "csr_signed")

    async def _fail(self, csr: CertificateSigningRequest, problem: str) -> Result:
        failed = with_condition(csr, "Failed", "SignerValidationFailure", problem)
        return await self._write(failed, "csr_failed")

    async def _write(self, csr: CertificateSigningRequest, event: str) -> Result:
        try:
            await self.client.update_status(csr)
        except NotFound:
            return Result()
        except Conflict:
            return Result(requeue=True)
        reconcile_log().info(event, user=csr.spec.username)
        return Result()


def controller(context: ControllerContext) -> ControllerSpec:
    """The ``csrsigning`` controller."""
    authority = context.signing_authority or (lambda: None)
    return ControllerSpec(
        for_=CertificateSigningRequest,
        reconciler=CsrSigningReconciler(
            client=context.client,
            csrs=context.informers.informer(CertificateSigningRequest),
            authority=authority,
        ),
        workers=WORKERS,
        name="csrsigning",
    )
