import { afterEach, beforeEach, describe } from "vitest";
import type { InstanceStorage } from "../storage.ts";
import { describeAutomationContract } from "./storage-contract-automation.ts";
import { describeEventLogContract } from "./storage-contract-events.ts";
import { describeLivenessContract } from "./storage-contract-liveness.ts";
import { describePartitionStatusContract } from "./storage-contract-partitions.ts";
import { describeRunsContract } from "./storage-contract-runs.ts";
import { describeStateContract } from "./storage-contract-state.ts";

export interface StorageContractOptions {
  /**
   * Opens the same instance again after `close()` (persistent storages): the suite then checks that what was
   * written before closing is read back after reopening. Called with the storage `make()` returned.
   */
  readonly reopen?: (closed: InstanceStorage) => Promise<InstanceStorage> | InstanceStorage;
}

/** The storage under test; replaced when a test reopens it. */
export interface StorageHandle {
  storage: InstanceStorage;
}

/**
 * The behaviour every `InstanceStorage` must have, as a vitest suite. Run it first in each storage's tests:
 * `describeStorageContract("sqlite", () => sqliteStorage({ path }))`. Each test gets a fresh, empty storage.
 */
export function describeStorageContract(
  name: string,
  make: () => Promise<InstanceStorage> | InstanceStorage,
  options: StorageContractOptions = {},
): void {
  describe(`InstanceStorage contract: ${name}`, () => {
    const handle = {} as StorageHandle;
    beforeEach(async () => {
      handle.storage = await make();
    });
    afterEach(async () => {
      await handle.storage.close();
    });

    describeRunsContract(handle);
    describeEventLogContract(handle);
    describeLivenessContract(handle);
    describePartitionStatusContract(handle);
    describeStateContract(handle, options);
    describeAutomationContract(handle);
  });
}
