// A module that exports no Definitions object.
export const notDefinitions = { assets: [] };
