// Sign a W3C verifiable presentation with Digital Bazaar's libraries, independently of Plecak
// (a DIDAuth answer as another wallet makes it). Never reaches the network.
// Usage: node sign.mjs VP.json SEED_HEX VERIFICATION_METHOD CHALLENGE DOMAIN CONTEXTS_DIR
// SEED_HEX is the 32-byte Ed25519 seed; VERIFICATION_METHOD is the DID URL of its key.
// Prints the signed presentation as JSON.
import {readFileSync} from 'node:fs';
import path from 'node:path';
import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const [file, seedHex, method, challenge, domain, contextsDir] = process.argv.slice(2);
const index = JSON.parse(readFileSync(path.join(contextsDir, 'index.json'), 'utf8'));

async function documentLoader(url) {
  if (index[url]) {
    const document = JSON.parse(readFileSync(path.join(contextsDir, index[url]), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refusing to load ${url}`);
}

const controller = method.split('#')[0];
const keyPair = await Ed25519Multikey.generate({
  id: method,
  controller,
  seed: Uint8Array.from(Buffer.from(seedHex, 'hex')),
});
const suite = new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});
const presentation = JSON.parse(readFileSync(file, 'utf8'));
const signed = await vc.signPresentation({presentation, suite, challenge, domain, documentLoader});
console.log(JSON.stringify(signed));
