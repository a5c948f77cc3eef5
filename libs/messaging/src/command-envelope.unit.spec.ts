import { commandDirection } from './command-envelope';

describe('commandDirection', () => {
  it('maps a command to forward and a compensation to compensation', () => {
    expect(commandDirection('command')).toBe('forward');
    expect(commandDirection('compensation')).toBe('compensation');
  });
});
