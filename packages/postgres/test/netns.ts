import { execFileSync, spawnSync } from "node:child_process";

/** One simulated host: a network namespace joined to the host by a veth pair on its own /30. */
export interface NetnsHost {
  readonly name: string;
  /** The host side's address, which the namespace reaches. */
  readonly hostAddress: string;
  readonly address: string;
}

/** The private test subnet, used only between the namespaces these tests create and the host side. */
const SUBNET = "10.213.0";

export function canUseNetns(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root to create network namespaces (ip netns add)";
  if (spawnSync("ip", ["-V"]).status !== 0) return "needs the ip command (iproute2)";
  return undefined;
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Creates `count` namespaces `orchtest<pid>-<i>`, each with a veth pair: host 10.213.0.(4i+1), namespace .(4i+2). */
export function createHosts(count: number): NetnsHost[] {
  const hosts: NetnsHost[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const name = `orcht${process.pid % 100000}h${i}`;
      const outer = `ov${process.pid % 100000}h${i}`;
      const inner = `iv${process.pid % 100000}h${i}`;
      const host = { name, hostAddress: `${SUBNET}.${4 * i + 1}`, address: `${SUBNET}.${4 * i + 2}` };
      ip("netns", "add", name);
      hosts.push(host);
      ip("link", "add", outer, "type", "veth", "peer", "name", inner);
      ip("link", "set", inner, "netns", name);
      ip("addr", "add", `${host.hostAddress}/30`, "dev", outer);
      ip("link", "set", outer, "up");
      ip("netns", "exec", name, "ip", "addr", "add", `${host.address}/30`, "dev", inner);
      ip("netns", "exec", name, "ip", "link", "set", inner, "up");
      ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
    }
  } catch (error) {
    deleteHosts(hosts);
    throw error;
  }
  return hosts;
}

/** Deletes the namespaces; their veth ends go with them, and so do the host-side peers. */
export function deleteHosts(hosts: readonly NetnsHost[]): void {
  for (const host of hosts) spawnSync("ip", ["netns", "del", host.name]);
}
