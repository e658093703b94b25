import { describe, expect, it } from 'vitest';

import { benchMachine, loadAverage, lscpuModelName } from './bench-machine.js';

describe('lscpuModelName', () => {
  it('reads the Model name field', () => {
    expect(lscpuModelName('Architecture:   x86_64\nVendor ID:  AuthenticAMD\nModel name:                AMD EPYC 7B13\nThread(s) per core:  2\n')).toBe('AMD EPYC 7B13');
    expect(lscpuModelName('Architecture: x86_64\n')).toBeUndefined();
    expect(lscpuModelName('Model name:   \n')).toBeUndefined();
  });
});

describe('benchMachine', () => {
  it('names the CPU, cores, Node, the versions it is given after node, and three load averages', () => {
    const machine = benchMachine({ tfjs: '4.22.0' });
    expect(machine.cpu.length).toBeGreaterThan(0);
    expect(machine.cpu).not.toBe('unknown');
    expect(machine.cores).toBeGreaterThanOrEqual(1);
    expect(machine.node).toBe(process.version);
    expect(machine.tfjs).toBe('4.22.0');
    expect(Object.keys(machine)).toEqual(['cpu', 'cores', 'node', 'tfjs', 'loadAverageAtStart']);
    expect(machine.loadAverageAtStart).toHaveLength(3);
    expect(Object.keys(benchMachine())).toEqual(['cpu', 'cores', 'node', 'loadAverageAtStart']);
    expect(loadAverage().every((v) => v >= 0 && Number(v.toFixed(2)) === v)).toBe(true);
  });
});
