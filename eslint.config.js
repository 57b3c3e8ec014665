// Lint: typescript-eslint with type information, and the project's layer order as a rule (eslint-plugin-boundaries).
// Formatting is Prettier's alone (.prettierrc.json): no stylistic rule here, so the two never disagree.
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers, lowest first. A file may import its own layer and any layer below it, never one above: the data path
 * runs one way (spec → arbitraries → client → checks → run → report → scripts, tests at the top). `fixtures` are the
 * fault-injecting servers under tests/fixtures/: `npm run sandbox` and the benchmarks serve them, so they sit below
 * scripts, and the tests above both.
 */
const LAYERS = [
  { type: 'base', pattern: ['src/base'] },
  { type: 'generated', pattern: ['generated'] },
  { type: 'spec', pattern: ['src/spec'] },
  { type: 'config', pattern: ['src/config'] },
  { type: 'arbitraries', pattern: ['src/arbitraries'] },
  { type: 'client', pattern: ['src/client'] },
  { type: 'checks', pattern: ['src/checks'] },
  { type: 'drift', pattern: ['src/drift'] },
  { type: 'run', pattern: ['src/run'] },
  { type: 'targets', pattern: ['src/targets'] },
  { type: 'upstream', pattern: ['src/upstream'] },
  { type: 'report', pattern: ['src/report'] },
  { type: 'fixtures', pattern: ['tests/fixtures'] },
  { type: 'scripts', pattern: ['scripts', 'bench'] },
  { type: 'tests', pattern: ['tests/unit', 'tests/contract', 'tests/consumer'] },
];

export default tseslint.config(
  // The two .mjs files are plain JavaScript run by node without a TypeScript loader, for their start-up time (the
  // contract launcher, and the Prism host that serves the embedded mock); the type-aware rules cannot read them.
  {
    ignores: [
      'node_modules/**',
      'reports/**',
      'coverage/**',
      'scratch/**',
      'docs/**',
      'spec/**',
      'generated/**',
      'scripts/contract.mjs',
      'src/targets/prism-host.mjs',
      'eslint.config.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS.map(({ type, pattern }) => ({ type, pattern })),
      'boundaries/include': ['src/**', 'scripts/**', 'bench/**', 'tests/**', 'generated/**'],
      'import/resolver': { typescript: { project: './tsconfig.json' }, node: true },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: '{{from.element.type}} must not import {{to.element.type}}: the layers run one way (eslint.config.js); move what both need down a layer',
          policies: LAYERS.map(({ type }, i) => ({
            from: { element: { type } },
            allow: { to: { element: { types: { anyOf: LAYERS.slice(0, i + 1).map((l) => l.type) } } } },
          })),
        },
      ],
      // Every file belongs to a layer: a new folder must be placed before it can import anything.
      'boundaries/no-unknown-files': 'error',
      // `const { dropped: _dropped, ...rest } = x` is how an object loses a key without a mutation.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // The tests read reports and specs as JSON (any) and check their shape with expect(): the assertion is the type
    // check there, so the no-unsafe family would only ask for casts that check nothing.
    files: ['tests/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
