// Runs once before any test worker starts. Node reads NODE_EXTRA_CA_CERTS only at process start, so the
// emulator's certificate authority must exist, and the variable must be set, before workers are spawned.
const path = require("node:path");
module.exports = async function globalSetup() {
  const stateDir = path.join(__dirname, "..", ".emulator", "test");
  process.env.MSGRAPH_EMULATOR_STATE_DIR = stateDir;
  try {
    // The emulator is TypeScript; ts-jest is not active here, so load the compiled copy when it exists.
    const { ensureCertificateAuthority } = require("../dist/emulator/certificates");
    const { caFile } = await ensureCertificateAuthority(stateDir);
    // Keep the machine's own extra CAs (e.g. a proxy's) for tests whose children reach a registry.
    if (process.env.NODE_EXTRA_CA_CERTS && process.env.NODE_EXTRA_CA_CERTS !== caFile && !process.env.MSGRAPH_MACHINE_CA_CERTS) {
      process.env.MSGRAPH_MACHINE_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    }
    process.env.NODE_EXTRA_CA_CERTS = caFile;
  } catch (error) {
    if (error && error.code !== "MODULE_NOT_FOUND") throw error;
  }
};
