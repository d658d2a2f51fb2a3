export { default } from '@trellis/eslint-config';
