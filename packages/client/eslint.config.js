import trellis from '@trellis/eslint-config';

// test/consumer holds an outside app's files (some wrong on purpose), compiled by test/package.test.ts.
export default [...trellis, { ignores: ['test/consumer/**'] }];
