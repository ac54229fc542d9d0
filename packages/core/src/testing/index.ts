export { describeStorageContract, type StorageContractOptions } from "./storage-contract.ts";
