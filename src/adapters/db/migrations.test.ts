import { checkMigrationList, MIGRATIONS, MigrationError, type Migration } from './migrations.js';

describe('checkMigrationList', () => {
  it('accepts the migrations this code ships (numbered 1, 2, 3, ...)', () => {
    expect(() => checkMigrationList(MIGRATIONS)).not.toThrow();
  });

  it.each<[string, Migration[]]>([
    [
      'a gap',
      [
        { id: 1, name: 'a', statements: ['SELECT 1'] },
        { id: 3, name: 'c', statements: ['SELECT 1'] },
      ],
    ],
    [
      'a repeated id',
      [
        { id: 1, name: 'a', statements: ['SELECT 1'] },
        { id: 1, name: 'b', statements: ['SELECT 1'] },
      ],
    ],
    ['a list not starting at 1', [{ id: 2, name: 'b', statements: ['SELECT 1'] }]],
    ['an empty migration', [{ id: 1, name: 'a', statements: [] }]],
  ])('refuses a migration list with %s', (_what, list) => {
    expect(() => checkMigrationList(list)).toThrow(MigrationError);
  });
});
