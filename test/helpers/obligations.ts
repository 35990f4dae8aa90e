/** Obligations blocks as the vet report carries them, for tests that build reports by hand. */
import type { Obligations } from "../../src/license/types.js";

/** A permissive license's (Apache-2.0): commercial use allowed, attribution its only duty. */
export const PERMISSIVE_OBLIGATIONS: Readonly<Obligations> = Object.freeze({
  commercialUse: "allowed",
  attribution: true,
  shareAlike: false,
  useRestrictions: false,
  restrictionsFlowDown: false,
  threshold: null,
  naming: null,
  derivativesInherit: false,
  outputsForTraining: "allowed",
});

/** A license nobody could identify: every obligation unknown. */
export const UNKNOWN_OBLIGATIONS: Readonly<Obligations> = Object.freeze({
  commercialUse: "unknown",
  attribution: null,
  shareAlike: null,
  useRestrictions: null,
  restrictionsFlowDown: null,
  threshold: null,
  naming: null,
  derivativesInherit: null,
  outputsForTraining: "unknown",
});
