import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { toMermaid } from '@sagaflow/core';

import { placeOrder } from './place-order/place-order.saga';

describe('README', () => {
  it('shows the place-order saga diagram as toMermaid draws it', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const diagram = /```mermaid\n([\s\S]*?)\n```/.exec(readme)?.[1];

    expect(diagram).toBe(toMermaid(placeOrder).trimEnd());
  });
});
