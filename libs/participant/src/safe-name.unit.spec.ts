import { safeName } from './safe-name';

describe('safeName', () => {
  it('replaces every character outside [A-Za-z0-9._-] with -', () => {
    expect(safeName('sagaflow:payment-service:')).toBe('sagaflow-payment-service-');
    expect(safeName('host name/ü')).toBe('host-name--');
    expect(safeName('ok.name_1-2')).toBe('ok.name_1-2');
  });
});
