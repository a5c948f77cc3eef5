/** New unique ids (saga ids, reply ids). Ids use only `[A-Za-z0-9._-]`. */
export interface IdGenerator {
  newId(): string;
}
