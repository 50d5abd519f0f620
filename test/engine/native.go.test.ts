/** Issue 18 §5 in Go: the native provider through a Go program (nativeLanguage.ts). */
import { nativeLanguageSuite } from "./nativeLanguage";

nativeLanguageSuite("go", { reauthorize: true });
