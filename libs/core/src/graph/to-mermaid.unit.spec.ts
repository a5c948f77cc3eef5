import { toMermaid } from './to-mermaid';
import { trip } from './__fixtures__/trip';

describe('toMermaid', () => {
  it('renders a flowchart: forward solid, compensation dashed, the pivot marked', () => {
    expect(toMermaid(trip)).toBe(
      [
        'flowchart TD',
        '  saga_start(["start"])',
        '  step_book["book<br/>hotel.Book<br/>undo: hotel.Cancel"]',
        '  fork_pay(("fork pay"))',
        '  step_card["card<br/>bank.Charge<br/>undo: bank.Refund"]',
        '  step_check["check<br/>risk.Check<br/>read-only"]',
        '  join_pay(("join pay"))',
        '  step_confirm{{"confirm (pivot)<br/>hotel.Confirm"}}',
        '  step_mail[["mail (retriable)<br/>mailer.Send"]]',
        '  saga_completed(["COMPLETED"])',
        '  saga_compensated(["COMPENSATED"])',
        '  saga_start --> step_book',
        '  step_book --> fork_pay',
        '  fork_pay --> step_card',
        '  step_card --> join_pay',
        '  fork_pay --> step_check',
        '  step_check --> join_pay',
        '  join_pay --> step_confirm',
        '  step_confirm --> step_mail',
        '  step_mail --> saga_completed',
        '  step_book -.-> saga_compensated',
        '  step_card -.-> step_book',
        '  step_book -. fails .-> saga_compensated',
        '  step_card -. fails .-> step_book',
        '  step_check -. fails .-> step_card',
        '  step_confirm -. fails .-> step_card',
        '  classDef pivot fill:#fde2e2,stroke:#c0392b,stroke-width:3px',
        '  class step_confirm pivot',
        '',
      ].join('\n'),
    );
  });
});
