// The tests' OpenID Connect provider: panva's certified oidc-provider with its built-in login and consent pages
// (devInteractions), on 127.0.0.1. Started by TestOidcProvider.cs: node provider.mjs <port> <clientId> <clientSecret>.
//
// Who signs in is decided by what is typed as the login name, so each test picks its person:
//   alice@example.test              -> sub "alice@example.test", email alice@example.test, email_verified true
//   unverified:alice@example.test   -> sub "unverified:alice@example.test", same email, email_verified false
import Provider from 'oidc-provider';

const [port, clientId, clientSecret] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    // The app's port is chosen when it starts; any callback on 127.0.0.1 is accepted (see redirectUriAllowed below).
    redirect_uris: ['http://127.0.0.1/signin-oidc'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: ['platform-tests-only'] },
  async findAccount(ctx, id) {
    const unverified = id.startsWith('unverified:');
    const email = unverified ? id.slice('unverified:'.length) : id;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email, email_verified: !unverified, name: email.split('@')[0] };
      },
    };
  },
});
provider.proxy = false;
provider.Client.prototype.redirectUriAllowed = (value) => /^http:\/\/127\.0\.0\.1:\d+\//.test(value);

provider.listen(Number(port), '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
