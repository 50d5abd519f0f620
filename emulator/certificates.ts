import { generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import forge from "node-forge";

/**
 * The emulator's certificate authority and the server certificates it signs.
 *
 * The CA is written to `stateDir` and reused, because `NODE_EXTRA_CA_CERTS` is read only when a Node
 * process starts: a CA that changed on every run could never be trusted by processes started before it.
 * TLS verification is therefore never turned off; every client trusts this CA instead.
 */

export interface CertificateAuthority {
  /** PEM file holding only the CA certificate: the value for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  caPem: string;
}

export interface ServerCertificate {
  cert: string;
  key: string;
}

const caCertificateFile = "ca.pem";
/** Holds the CA's private key followed by its certificate; the one file that decides which CA a state dir has. */
const caKeyFile = "ca-key.pem";

export async function ensureCertificateAuthority(stateDir: string): Promise<CertificateAuthority> {
  const loaded = await loadCertificateAuthority(stateDir);
  return { caFile: loaded.caFile, caPem: loaded.caPem };
}

/**
 * Ways a server certificate can be wrong, for receivers that must fail TLS on purpose (the endpoint check's
 * tests): signed by no CA at all, issued for other host names, or past its validity.
 */
export interface ServerCertificateFlaws {
  /** Signed with its own key instead of the CA's: no client trusts it. */
  selfSigned?: boolean;
  /** DNS names to issue it for instead of localhost, 127.0.0.1 and ::1. */
  hostnames?: readonly string[];
  /** Valid from 30 days ago until yesterday. */
  expired?: boolean;
}

/** Issues a fresh certificate for localhost, 127.0.0.1 and ::1, signed by the state dir's CA (unless `flaws` say otherwise). */
export async function issueServerCertificate(stateDir: string, flaws: ServerCertificateFlaws = {}): Promise<ServerCertificate & CertificateAuthority> {
  const ca = await loadCertificateAuthority(stateDir);
  const keys = await newKeyPair();
  const subject = [{ name: "commonName", value: flaws.hostnames?.[0] ?? "localhost" }];
  const altNames = flaws.hostnames
    ? flaws.hostnames.map((value) => ({ type: 2, value }))
    : [
        { type: 2, value: "localhost" },
        { type: 7, ip: "127.0.0.1" },
        { type: 7, ip: "::1" },
      ];
  const cert = signCertificate({
    subject,
    publicKey: keys.publicKey,
    issuer: flaws.selfSigned ? { subject, privateKey: keys.privateKey } : { subject: ca.certificate.subject.attributes, privateKey: ca.privateKey },
    validDays: flaws.expired ? -1 : 365,
    validFromDays: flaws.expired ? -30 : undefined,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return {
    cert: forge.pki.certificateToPem(cert),
    key: keys.privateKeyPem,
    caFile: ca.caFile,
    caPem: ca.caPem,
  };
}

interface LoadedAuthority extends CertificateAuthority {
  certificate: forge.pki.Certificate;
  privateKey: forge.pki.rsa.PrivateKey;
}

async function loadCertificateAuthority(stateDir: string): Promise<LoadedAuthority> {
  await fs.mkdir(stateDir, { recursive: true });
  const keyPath = path.join(stateDir, caKeyFile);
  const bundle = (await readIfPresent(keyPath)) ?? (await createAuthorityBundle(keyPath));
  const privateKey = forge.pki.privateKeyFromPem(bundle) as forge.pki.rsa.PrivateKey;
  const caPem = bundle.slice(bundle.indexOf("-----BEGIN CERTIFICATE-----")).trim() + "\n";
  const certificate = forge.pki.certificateFromPem(caPem);
  const caFile = path.join(stateDir, caCertificateFile);
  if ((await readIfPresent(caFile)) !== caPem) await writeAtomically(caFile, caPem, 0o644);
  return { caFile, caPem, certificate, privateKey };
}

/**
 * Test workers start in parallel, so several processes may try to create the CA at once. The bundle is
 * published with link(), which fails when the file exists, so exactly one CA wins and the rest read it.
 */
async function createAuthorityBundle(keyPath: string): Promise<string> {
  const keys = await newKeyPair();
  const subject = [
    { name: "commonName", value: "msgraph-subscriptions emulator CA" },
    { name: "organizationName", value: "pulumi-msgraph-subscriptions (local testing only)" },
  ];
  const cert = signCertificate({
    subject,
    publicKey: keys.publicKey,
    issuer: { subject, privateKey: keys.privateKey },
    validDays: 3650,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
      { name: "subjectKeyIdentifier" },
    ],
  });
  const bundle = keys.privateKeyPem + forge.pki.certificateToPem(cert);

  const temporary = temporaryPath(keyPath);
  await fs.writeFile(temporary, bundle, { mode: 0o600 });
  try {
    await fs.link(temporary, keyPath);
    return bundle;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return fs.readFile(keyPath, "utf8");
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

export interface EncryptionCertificate {
  /** Base64 of the DER certificate: what Graph's encryptionCertificate takes. */
  certificate: string;
  /** The private key (PKCS#8 PEM), for decrypting resource data. */
  privateKeyPem: string;
}

/**
 * A self-signed RSA certificate for includeResourceData subscriptions (tests and demos). Graph accepts RSA
 * keys of 2048 to 4096 bits; other sizes are allowed here so tests can check the refusal.
 */
export async function createEncryptionCertificate(
  options: { modulusLength?: number; commonName?: string } = {},
): Promise<EncryptionCertificate> {
  const keys = await newKeyPair(options.modulusLength);
  const subject = [{ name: "commonName", value: options.commonName ?? "msgraph-subscriptions emulator encryption certificate" }];
  const cert = signCertificate({
    subject,
    publicKey: keys.publicKey,
    issuer: { subject, privateKey: keys.privateKey },
    validDays: 365,
  });
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return { certificate: Buffer.from(der, "binary").toString("base64"), privateKeyPem: keys.privateKeyPem };
}

interface CertificateRequest {
  subject: forge.pki.CertificateField[];
  publicKey: forge.pki.PublicKey;
  /** The signer: the subject's own name and private key for a self-signed certificate. */
  issuer: { subject: forge.pki.CertificateField[]; privateKey: forge.pki.rsa.PrivateKey };
  /** Days from now until it expires (negative: already expired). */
  validDays: number;
  /** Days from now it becomes valid; default -1. */
  validFromDays?: number;
  /** node-forge extension specs, e.g. `{ name: "basicConstraints", cA: true }`. */
  extensions?: object[];
}

/**
 * Valid from a day ago unless asked otherwise, so a client whose clock runs behind this machine's still accepts
 * the certificate.
 * The public key is set before the extensions because forge derives subjectKeyIdentifier from it.
 */
function signCertificate(request: CertificateRequest): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = request.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = daysFromNow(request.validFromDays ?? -1);
  cert.validity.notAfter = daysFromNow(request.validDays);
  cert.setSubject(request.subject);
  cert.setIssuer(request.issuer.subject);
  cert.setExtensions(request.extensions ?? []);
  cert.sign(request.issuer.privateKey, forge.md.sha256.create());
  return cert;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * node-forge generates RSA keys in JavaScript, which takes seconds; node:crypto takes milliseconds, and
 * asynchronously, so even a large key does not block a process that also serves the emulator.
 */
async function newKeyPair(
  modulusLength = 2048,
): Promise<{ publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPairAsync("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
    privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    privateKeyPem: privateKey,
  };
}

/** X.509 serial numbers are positive integers; a leading 01 byte keeps the random value positive. */
function serialNumber(): string {
  return "01" + randomBytes(15).toString("hex");
}

function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = temporaryPath(file);
  await fs.writeFile(temporary, content, { mode });
  await fs.rename(temporary, file);
}

/** Unique per process and call, so concurrent writers never share a half-written file. */
function temporaryPath(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}
