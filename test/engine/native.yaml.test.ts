/** Issue 18 §5 in Yaml: the native provider through a Yaml program (nativeLanguage.ts). */
import { nativeLanguageSuite } from "./nativeLanguage";

nativeLanguageSuite("yaml", { reauthorize: false });
