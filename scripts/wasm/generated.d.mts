// Types of generated.mjs for the TypeScript tests that import it.
export declare const root: string;
export declare function generatedFiles(): Promise<Map<string, string>>;
export declare function staleFiles(): Promise<string[]>;
