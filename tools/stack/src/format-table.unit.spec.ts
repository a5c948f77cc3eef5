import { formatTable } from './format-table';

describe('formatTable', () => {
  it('sizes each column to its widest cell and aligns as asked', () => {
    const table = formatTable({
      header: ['outcome', 'sagas'],
      rows: [['completed', '241'], null, ['compensated', '9']],
      align: ['left', 'right'],
    });
    expect(table.split('\n')).toEqual([
      '┌─────────────┬───────┐',
      '│ outcome     │ sagas │',
      '├─────────────┼───────┤',
      '│ completed   │   241 │',
      '├─────────────┼───────┤',
      '│ compensated │     9 │',
      '└─────────────┴───────┘',
    ]);
  });

  it('left-aligns by default and pads missing cells', () => {
    const lines = formatTable({ header: ['a', 'b'], rows: [['–', ''], ['xyz']] }).split('\n');
    expect(lines[3]).toBe('│ –   │   │');
    expect(lines[4]).toBe('│ xyz │   │');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('draws a table without rows', () => {
    expect(formatTable({ header: ['only'], rows: [] }).split('\n')).toEqual([
      '┌──────┐',
      '│ only │',
      '├──────┤',
      '└──────┘',
    ]);
  });
});
