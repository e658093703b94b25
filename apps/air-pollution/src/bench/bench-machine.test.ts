import { describe, expect, it } from 'vitest';

import { benchMachine, lscpuModelName } from './bench-machine.js';

describe('lscpuModelName', () => {
  it('reads the Model name field', () => {
    expect(lscpuModelName('Architecture:   x86_64\nVendor ID:  AuthenticAMD\nModel name:                AMD EPYC 7B13\nThread(s) per core:  2\n')).toBe('AMD EPYC 7B13');
    expect(lscpuModelName('Architecture: x86_64\n')).toBeUndefined();
    expect(lscpuModelName('Model name:   \n')).toBeUndefined();
  });
});

describe('benchMachine', () => {
  it('names the CPU, cores, versions and three load averages', () => {
    const machine = benchMachine();
    expect(machine.cpu.length).toBeGreaterThan(0);
    expect(machine.cpu).not.toBe('unknown');
    expect(machine.cores).toBeGreaterThanOrEqual(1);
    expect(machine.node).toBe(process.version);
    expect(machine.tfjs).toMatch(/^\d+\.\d+\.\d+/);
    expect(machine.loadAverageAtStart).toHaveLength(3);
  });
});
