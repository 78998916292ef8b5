/**
 * Browser tests (`npm run test:browser`): the built server on an embedded PostgreSQL, driven through
 * Debian's Chromium with playwright-core. Not part of `npm test`, which needs no browser.
 */
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  globalSetup: undefined,
  globalTeardown: undefined,
  maxWorkers: 1,
  testTimeout: 120_000,
};
