import { newTestRunId, parseTestRunId, STACK_PROCESSES, stackLayout } from './stack-layout';

describe('stackLayout', () => {
  it('names every test-run resource after the run id, within MySQL and Kafka limits', () => {
    const layout = stackLayout('test', '4194304_a1b2c3');
    expect(layout.topicPrefix).toBe('sfe2e.4194304.a1b2c3.');
    expect(layout.redisKeyRoot).toBe('sfe2e:4194304:a1b2c3:');
    expect(layout.queueRoot).toBe('sfe2e-4194304-a1b2c3-');
    expect(layout.processes['payment-service']).toEqual({
      database: 'sfe2e_4194304_a1b2c3_payments',
      redisKeyPrefix: 'sfe2e:4194304:a1b2c3:payment-service:',
      preferredPort: null,
      instanceId: 'sfe2e-4194304_a1b2c3-payments',
    });
    const databases = STACK_PROCESSES.map((p) => layout.processes[p].database);
    expect(new Set(databases).size).toBe(4);
    for (const database of databases) expect(database).toMatch(/^[A-Za-z0-9_]{1,64}$/);
    for (const process of STACK_PROCESSES) {
      expect(layout.processes[process].instanceId).toMatch(/^[A-Za-z0-9._-]{1,128}$/);
    }
  });

  it('gives the demo the default databases, its own prefixes and ports 8080–8083', () => {
    const layout = stackLayout('demo', 'demo');
    expect(STACK_PROCESSES.map((p) => layout.processes[p].database)).toEqual([
      'sagaflow',
      'sagaflow_orders',
      'sagaflow_payments',
      'sagaflow_inventory',
    ]);
    expect(STACK_PROCESSES.map((p) => layout.processes[p].preferredPort)).toEqual([
      8080, 8081, 8082, 8083,
    ]);
    expect(layout.topicPrefix).toBe('sagaflow.demo.');
    expect(layout.processes.orchestrator.redisKeyPrefix).toBe('sagaflow:demo:orchestrator:');
    expect(layout.queueRoot).toBe('sagaflow-demo-');
  });
});

describe('test run ids', () => {
  it('are the pid and six hex digits', () => {
    expect(newTestRunId(4242, 'a1b2c3d4')).toBe('4242_a1b2c3');
    expect(() => newTestRunId(4242, 'zz')).toThrow(RangeError);
  });

  it('are read back from every kind of resource name of the run, and from no other name', () => {
    const layout = stackLayout('test', '4242_a1b2c3');
    const run = { runId: '4242_a1b2c3', pid: 4242 };
    expect(parseTestRunId(layout.processes.orchestrator.database)).toEqual(run);
    expect(parseTestRunId(`${layout.topicPrefix}saga.replies`)).toEqual(run);
    expect(parseTestRunId(`${layout.topicPrefix}orchestrator`)).toEqual(run);
    expect(parseTestRunId(`${layout.processes.orchestrator.redisKeyPrefix}saga:x`)).toEqual(run);
    expect(parseTestRunId(`bull:${layout.queueRoot}orchestrator-timers:id`)).toEqual(run);
    expect(parseTestRunId('sfe2e_4242_a1b2c3')).toEqual(run);
    expect(parseTestRunId('sagaflow.demo.saga.replies')).toBeNull();
    expect(parseTestRunId('sfe2e_4242_a1b2c3x_orch')).toBeNull();
    expect(parseTestRunId('xsfe2e_4242_a1b2c3_orch')).toBeNull();
    expect(parseTestRunId('sagaflow')).toBeNull();
  });
});
