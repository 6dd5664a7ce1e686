/** Demo identities of the presets: only valid against the simulator. */

export const DEMO_PROJECT_ID = '65a1b2c3d4e5f60718293a4b';
/** A well-formed project id the simulator does not know (404 GROUP_NOT_FOUND). */
export const UNKNOWN_PROJECT_ID = '65a1b2c3d4e5f60718293aff';

/** Further demo project ids (`many-projects`, `project-denied`): `65a1b2c3d4e5f60718293b0<n>`. */
export const demoProjectId = (n: number): string => `65a1b2c3d4e5f60718293b${n.toString(16).padStart(2, '0')}`;

/** Demo credentials only valid against the simulator. */
export const DEMO_SERVICE_ACCOUNT = {
  clientId: 'mdb_sa_id_65a1b2c3d4e5f60718293a50',
  clientSecret: 'mdb_sa_sk_local-simulator-only-not-a-real-secret',
} as const;
export const DEMO_API_KEY = {
  publicKey: 'simpubkey',
  privateKey: '00000000-0000-4000-8000-00000000sim0',
} as const;

/** SecretString values (docs/design.md, the Atlas credentials secret) for the local Secrets Manager. */
export const DEMO_SECRET_STRINGS = {
  serviceAccount: JSON.stringify({
    clientId: DEMO_SERVICE_ACCOUNT.clientId,
    clientSecret: DEMO_SERVICE_ACCOUNT.clientSecret,
  }),
  apiKey: JSON.stringify({ publicKey: DEMO_API_KEY.publicKey, privateKey: DEMO_API_KEY.privateKey }),
  /** MongoDB's CloudFormation profile shape. */
  cfnProfile: JSON.stringify({ PublicKey: DEMO_API_KEY.publicKey, PrivateKey: DEMO_API_KEY.privateKey }),
} as const;
