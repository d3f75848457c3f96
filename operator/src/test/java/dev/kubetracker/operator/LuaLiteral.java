package dev.kubetracker.operator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** A JSON (or YAML) tree written as a Lua table constructor, as Argo CD hands a resource to a Lua script. */
final class LuaLiteral {

    private LuaLiteral() {
    }

    static String of(JsonNode node) {
        StringBuilder lua = new StringBuilder();
        write(node, lua);
        return lua.toString();
    }

    private static void write(JsonNode node, StringBuilder lua) {
        if (node.isObject()) {
            lua.append('{');
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getValue().isNull()) { // nil in a Lua table is an absent key
                    lua.append('[').append(string(field.getKey())).append("]=");
                    write(field.getValue(), lua);
                    lua.append(',');
                }
            }
            lua.append('}');
        } else if (node.isArray()) {
            lua.append('{');
            node.forEach(item -> {
                write(item, lua);
                lua.append(',');
            });
            lua.append('}');
        } else if (node.isNumber() || node.isBoolean()) {
            lua.append(node.asText());
        } else if (node.isNull()) {
            lua.append("nil");
        } else {
            lua.append(string(node.asText()));
        }
    }

    static String string(String s) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"', '\\' -> quoted.append('\\').append(c);
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\%03d", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
