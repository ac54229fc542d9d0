export { describeStorageContract, type StorageContractOptions } from "./storage-contract.ts";
export { describeResourceContract, type ResourceContractOptions } from "./resource-contract.ts";
export * from "./executor-contract.ts";
export { describeTableIOManagerContract, type TableIOContractOptions } from "./table-io-contract.ts";
