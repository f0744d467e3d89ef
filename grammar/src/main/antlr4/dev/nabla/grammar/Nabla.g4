// The Nabla language (docs/language.md). Action-free: the compiler builds its AST with the generated visitor.
// Statements end at a newline or ';'. The compiler feeds the parser through a token filter that drops NL
// tokens inside parentheses and brackets, so a call or a list may span several lines.
grammar Nabla;

program : sep* (topDecl (sep+ topDecl)*)? sep* EOF ;

sep : NL | ';' ;

topDecl
    : 'import' STRING                                         # importDecl
    | 'def' ID '(' formals? ')' '=' expr                      # exprDef
    | 'def' ID '(' formals? ')' NL* block                     # blockDef
    | 'model' ID NL* block                                    # modelDecl
    ;

formals : formal (',' formal)* ','? ;
formal  : name ('=' expr)? ;

block : '{' sep* (stmt (sep+ stmt)*)? sep* '}' ;

stmt
    : 'input' ID ':' tensorType                               # inputStmt
    | 'target' ID ':' tensorType ('classes' INT | binary='binary')? # targetStmt
    | 'param' ID ':' list '=' expr                            # paramStmt
    | 'state' ID ':' list '=' expr                            # stateStmt
    | 'update' ID '=' expr                                    # updateStmt
    | 'output' ID '=' expr                                    # outputStmt
    | 'loss' '=' expr                                         # lossStmt
    | 'return' expr                                           # returnStmt
    | 'if' expr block ('else' block)?                         # ifStmt
    | 'train' NL* '{' sep* (entry (sep+ entry)*)? sep* '}'    # trainStmt
    | ID '=' expr                                             # letStmt
    ;

entry : ID '=' expr ;

tensorType : ID '[' (dim (',' dim)*)? ']' ;
dim : ID                                                      # symbolicDim
    | INT                                                     # constantDim
    ;

expr
    : expr '(' (arg (',' arg)* ','?)? ')'                     # callExpr
    | expr '[' slice (',' slice)* ','? ']'                    # indexExpr
    | '-' expr                                                # negExpr
    | expr '@' expr                                           # matmulExpr
    | expr op=('*' | '/') expr                                # mulExpr
    | expr op=('+' | '-') expr                                # addExpr
    | expr op=('>' | '<' | '==') expr                         # compareExpr
    | INT                                                     # intExpr
    | FLOAT                                                   # floatExpr
    | STRING                                                  # stringExpr
    | ('true' | 'false')                                      # boolExpr
    | 'training'                                              # trainingExpr
    | list                                                    # listExpr
    | '(' expr ')'                                            # parenExpr
    | name                                                    # nameExpr
    ;

list : '[' (expr (',' expr)* ','?)? ']' ;

arg : (name '=')? expr ;

// x[:, t, :], x[:, 2:5], x[:, -1]: an index drops its axis, a range a:b (either end optional) keeps it.
slice
    : from=expr? ':' to=expr?                                 # rangeSlice
    | expr                                                    # pointSlice
    ;

// Declaration keywords double as ordinary names where no declaration can start: mse(pred, target).
// 'training' is not among them: it is the builtin boolean of the graph being built, which nothing may shadow.
name : ID | 'input' | 'target' | 'output' | 'loss' | 'param' | 'train' | 'classes' | 'binary' | 'state' | 'update' ;

INT    : DIGITS ;
FLOAT  : DIGITS '.' DIGITS? EXPONENT? | '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
STRING : '"' (~["\\\r\n] | '\\' .)* '"' ;
ID     : [a-zA-Z_] [a-zA-Z_0-9]* ;

NL            : '\r'? '\n' | '\r' ;
WS            : [ \t\f]+ -> skip ;
LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;

fragment DIGITS   : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? DIGITS ;
