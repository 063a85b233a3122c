// A real OpenID Connect provider (the `oidc-provider` package) on a loopback port, for
// tests/tests/sso.rs. Reads its setup from AGENTMETER_OIDC_PROVIDER (JSON): the client (id,
// secret, redirect URI), the accounts (id, email, name, groups) and `tamper_jwks`. Prints one
// line, {"issuer": "http://127.0.0.1:PORT"}, once it listens, then serves until killed.
//
// People sign in through the package's development login form (any password, the login is the
// account id) and consent page. With `tamper_jwks` the provider signs ID tokens with its key as
// usual but its JWKS advertises another key under the same key id, as a forged or swapped token
// would look to the relying party: the signature must not verify.
import http from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const setup = JSON.parse(process.env.AGENTMETER_OIDC_PROVIDER);
const KID = 'agentmeter-test';

const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = (key) => ({ ...key.export({ format: 'jwk' }), kid: KID, use: 'sig', alg: 'RS256' });

const signing = rsaKey();
const impostor = rsaKey();

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: setup.client_id,
    client_secret: setup.client_secret,
    redirect_uris: [setup.redirect_uri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk(signing.privateKey)] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  // Claims of the granted scopes go into the ID token itself, as most providers do.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  // Lifetimes set, so the package does not print a notice for each default it falls back on.
  ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
  cookies: { keys: ['agentmeter-test-cookies'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const account = setup.accounts.find((a) => a.id === id);
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: account.email, email_verified: true, name: account.name, groups: account.groups };
      },
    };
  },
});

const handle = provider.callback();
server.on('request', (req, res) => {
  if (setup.tamper_jwks && req.url.startsWith('/jwks')) {
    res.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    res.end(JSON.stringify({ keys: [jwk(impostor.publicKey)] }));
    return;
  }
  handle(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
