export const LABEL = "size";
