import type { Isolation } from '../../../domain/sandbox/isolation.ts';

export const SANDBOX_NAMESPACES = ['mount', 'pid', 'ipc', 'uts'];

const ALWAYS_WARNED = [
  'disk size is not enforced: a sandbox can fill the host disk',
  'network is shared with the host: a sandbox reaches host ports and the internet',
  'the host root file system is the read-only base of every sandbox: host files outside the data directory are readable',
];

/** What namespaces plus whatever cgroups worked can promise. */
export function namespaceIsolation(
  cgroups:
    | { version: 'v1' | 'v2'; enforced: { cpu: boolean; memory: boolean } }
    | undefined,
): Isolation {
  const cpu = cgroups?.enforced.cpu ?? false;
  const memory = cgroups?.enforced.memory ?? false;
  const missing = [
    ...(cpu ? [] : ['cpu limit is not enforced: no usable cgroup']),
    ...(memory ? [] : ['memory limit is not enforced: no usable cgroup']),
  ];
  return {
    mode: 'namespaces',
    namespaces: SANDBOX_NAMESPACES,
    cpu: cpu ? 'enforced' : 'not-enforced',
    memory: memory ? 'enforced' : 'not-enforced',
    disk: 'not-enforced',
    cgroup: cgroups?.version ?? 'none',
    warnings: [...missing, ...ALWAYS_WARNED],
  };
}

/** Nothing is contained: said loudly, with the reason. */
export function noIsolation(reason: string): Isolation {
  return {
    mode: 'none',
    namespaces: [],
    cpu: 'not-enforced',
    memory: 'not-enforced',
    disk: 'not-enforced',
    cgroup: 'none',
    warnings: [
      `SANDBOXES ARE NOT ISOLATED: commands run directly on the host as the platform's user (${reason})`,
      'a sandbox can read and change every file the platform can, including other sandboxes and the database',
      'cpu, memory and disk limits are not enforced',
    ],
  };
}
