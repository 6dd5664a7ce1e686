// The tests run on the machine's Node 20; the function runs on Lambda's Node 24. The SDK's
// notice about Node 20's end of support is expected here and only clutters the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Unit, template, end-to-end and package suites run as separate jest projects. */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
const common = { testEnvironment: 'node', transform, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'lambda', testMatch: ['<rootDir>/test/lambda/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'local', testMatch: ['<rootDir>/test/local/**/*.test.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // Synthesizes once: the tests run the bundle `cdk synth` writes to cdk.out.
      globalSetup: '<rootDir>/test/e2e/global-setup.ts',
    },
    // The package as a team installs it: the build, the packed tarball in a fresh consumer app, the docs.
    { ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
  ],
};
