export { Cursor, decodeLong, disassemble, type OpArg, type PickleOp, readOp } from "./disassemble.js";
export {
  type ArgKind,
  HIGHEST_PROTOCOL,
  OPCODE_BY_CODE,
  OPCODE_BY_NAME,
  OPCODES,
  type OpcodeInfo,
} from "./opcodes.js";
export { pyBytesRepr, pyFloatRepr, pyStrRepr, renderCall, renderValue } from "./repr.js";
export * from "./types.js";
export { analyzePickle, analyzePickleStream } from "./vm.js";
