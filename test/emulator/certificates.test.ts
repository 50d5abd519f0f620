import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ensureCertificateAuthority } from "../../emulator";
import { issueServerCertificate } from "../../emulator/certificates";

describe("the emulator's certificate authority", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), "emulator-ca-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("is created once and reused, even when asked for in parallel", async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureCertificateAuthority(dir)));
    const pem = readFileSync(path.join(dir, "ca.pem"), "utf8");
    for (const result of results) expect(readFileSync(result.caFile, "utf8")).toBe(pem);
    expect((await ensureCertificateAuthority(dir)).caPem).toBe(pem);
    expect(new X509Certificate(pem).ca).toBe(true);
  });

  test("signs server certificates for localhost, 127.0.0.1 and ::1", async () => {
    const { cert, caPem } = await issueServerCertificate(dir);
    const server = new X509Certificate(cert);
    expect(server.checkIssued(new X509Certificate(caPem))).toBe(true);
    expect(server.verify(new X509Certificate(caPem).publicKey)).toBe(true);
    expect(server.subjectAltName).toContain("DNS:localhost");
    expect(server.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(server.subjectAltName?.toLowerCase()).toMatch(/ip address:0?:?0?:?.*:1\b|ip address:::1/);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
  });
});
