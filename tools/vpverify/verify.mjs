// Verify a W3C verifiable presentation (and the credentials in it) with Digital Bazaar's
// libraries, independently of Plecak. Usage: node verify.mjs VP.json CHALLENGE DOMAIN CONTEXTS_DIR
// Prints a JSON summary; exits 0 when verified, 1 otherwise. Never reaches the network.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [file, challenge, domain, contextsDir] = process.argv.slice(2);
const index = JSON.parse(readFileSync(path.join(contextsDir, 'index.json'), 'utf8'));

function didKeyDocument(did) {
  const key = did.slice('did:key:'.length);
  const id = `${did}#${key}`;
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{id, type: 'Multikey', controller: did, publicKeyMultibase: key}],
    authentication: [id],
    assertionMethod: [id],
  };
}

async function documentLoader(url) {
  if (url.startsWith('did:key:')) {
    const [did, fragment] = url.split('#');
    const doc = didKeyDocument(did);
    const document = fragment
      ? {'@context': 'https://w3id.org/security/multikey/v1', ...doc.verificationMethod[0]}
      : doc;
    return {contextUrl: null, documentUrl: url, document};
  }
  if (index[url]) {
    const document = JSON.parse(readFileSync(path.join(contextsDir, index[url]), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refusing to load ${url}`);
}

const presentation = JSON.parse(readFileSync(file, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite});
const result = await vc.verify({presentation, challenge, domain, suite, documentLoader});
const summary = {
  verified: result.verified,
  presentation: result.presentationResult?.verified ?? false,
  credentials: (result.credentialResults || []).map(r => r.verified),
  error: result.error ? String(result.error.message || result.error) : null,
};
console.log(JSON.stringify(summary));
process.exit(result.verified ? 0 : 1);
