/** Issue 18 §5 in Python: the native provider through a Python program (nativeLanguage.ts). */
import { nativeLanguageSuite } from "./nativeLanguage";

nativeLanguageSuite("python", { reauthorize: true });
