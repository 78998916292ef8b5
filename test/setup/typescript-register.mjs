// `node --import ./test/setup/typescript-register.mjs some/entry.ts` runs TypeScript sources directly.
import { register } from 'node:module';

register('./typescript-loader.mjs', import.meta.url);
