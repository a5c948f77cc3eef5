/** One dependency's state, as `Participant.checkHealth` reports it. */
export interface HealthCheck {
  readonly ok: boolean;
  /** Why it is not ok. */
  readonly error?: string;
}

/** What `Participant.checkHealth` found: ready when every check is ok. */
export interface ParticipantHealth {
  readonly ready: boolean;
  readonly checks: {
    /** The command consumer and the reply relay are running. */
    readonly kafka: HealthCheck;
    readonly mysql: HealthCheck;
    readonly redis: HealthCheck;
  };
}
