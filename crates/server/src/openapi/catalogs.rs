//! Catalogs and orders (issue #18): Meta's commerce endpoints Risala answers, its own CSV
//! upload and order read, and the customer's catalog read.

use serde_json::{json, Value};

use super::{json_response, responses};

fn param(name: &str) -> Value {
    json!({"$ref": format!("#/components/parameters/{name}")})
}

fn id(name: &str, description: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description,
        "schema": {"type": "string", "pattern": "^[0-9]+$"}})
}

fn security() -> Value {
    json!([{"graphToken": []}, {"graphTokenQuery": []}])
}

fn body(schema: Value, example: Value) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": schema, "example": example}}})
}

fn success() -> Value {
    json_response("Done.", json!({"type": "object", "properties": {"success": {"const": true}}}))
}

fn list(what: &str) -> Value {
    json_response(
        what,
        json!({"type": "object", "required": ["data"],
        "properties": {"data": {"type": "array", "items": {"type": "object"}}}}),
    )
}

fn product_schema() -> Value {
    json!({"type": "object", "properties": {
        "retailer_id": {"type": "string", "maxLength": 100},
        "name": {"type": "string", "maxLength": 200},
        "description": {"type": "string"},
        "price": {"description": "Integer minor units (1250 = 12.50 USD), or \"12.50 USD\".",
            "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]},
        "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
        "availability": {"enum": ["in stock", "out of stock", "preorder", "available for order", "discontinued"]},
        "condition": {"enum": ["new", "refurbished", "used"]},
        "image_url": {"type": "string", "format": "uri"},
        "url": {"type": "string", "format": "uri"},
        "item_group_id": {"type": "string"},
        "color": {"type": "string"}, "size": {"type": "string"}, "gender": {"type": "string"},
        "material": {"type": "string"}, "pattern": {"type": "string"}}})
}

fn report() -> Value {
    json_response(
        "The handle and a report of created, updated, deleted and rejected items.",
        json!({
        "type": "object", "required": ["handles", "validation_status", "report"], "properties": {
            "handles": {"type": "array", "items": {"type": "string"}},
            "validation_status": {"type": "array", "items": {"type": "object"}},
            "report": {"type": "object", "properties": {
                "created": {"type": "integer"}, "updated": {"type": "integer"}, "deleted": {"type": "integer"},
                "rejected": {"type": "array", "items": {"type": "object", "properties": {
                    "index": {"type": "integer"}, "retailer_id": {"type": "string"}, "reason": {"type": "string"}}}}}}}}),
    )
}

pub fn paths() -> Value {
    let catalog = id("Catalog-ID", "A product catalog's id.");
    json!({
        "/{Version}/{Business-ID}/owned_product_catalogs": {
            "parameters": [param("Version"), id("Business-ID", "The business's id.")],
            "get": {
                "tags": ["Graph: catalogs"], "operationId": "listCatalogs",
                "summary": "A business's product catalogs",
                "description": "Every catalog the business owns (`id`, `name`; `fields=` adds `vertical`, \
                    `product_count`, `whatsapp_business_account`). Either permission.",
                "security": security(), "parameters": [param("Fields")],
                "responses": responses(&[("200", list("The catalogs."))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: catalogs"], "operationId": "createCatalog",
                "summary": "Create a product catalog",
                "description": "`name` (1–200 characters), `vertical` (`commerce`, the default). Needs \
                    `whatsapp_business_management`.",
                "security": security(),
                "requestBody": body(json!({"type": "object", "required": ["name"], "properties": {
                    "name": {"type": "string"}, "vertical": {"const": "commerce"}}}), json!({"name": "Spring"})),
                "responses": responses(&[("200", json_response("The new catalog's id.",
                    json!({"type": "object", "properties": {"id": {"type": "string"}}})))], &[400, 401, 403]),
            },
        },
        "/{Version}/{Catalog-ID}/products": {
            "parameters": [param("Version"), catalog.clone()],
            "get": {
                "tags": ["Graph: catalogs"], "operationId": "listProducts",
                "summary": "A catalog's products",
                "description": "By retailer id; `?retailer_id=` picks one. `price` is in minor units, \
                    `price_formatted` is Risala's own.",
                "security": security(),
                "parameters": [{"name": "retailer_id", "in": "query", "schema": {"type": "string"}}],
                "responses": responses(&[("200", list("The products."))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: catalogs"], "operationId": "createProduct",
                "summary": "Add a product",
                "description": "`retailer_id`, `name`, `price`, `currency` are required; a retailer id the \
                    catalog has is 100 (change it with `items_batch`).",
                "security": security(),
                "requestBody": body(product_schema(), json!({"retailer_id": "tea", "name": "Mint tea",
                    "price": 1250, "currency": "USD"})),
                "responses": responses(&[("200", json_response("The product's id.",
                    json!({"type": "object", "properties": {"id": {"type": "string"}}})))], &[400, 401, 403]),
            },
        },
        "/{Version}/{Catalog-ID}/items_batch": {
            "parameters": [param("Version"), catalog.clone()],
            "post": {
                "tags": ["Graph: catalogs"], "operationId": "catalogItemsBatch",
                "summary": "Create, update and delete products in one request",
                "description": "Meta's batch: `item_type: PRODUCT_ITEM`, `requests: [{method: CREATE|UPDATE|DELETE, \
                    data: {id, title, price: \"12.50 USD\", …}}]` (up to 5000), `allow_upsert` (default true). \
                    Good requests are applied in one commit; bad ones are reported by index.",
                "security": security(),
                "requestBody": body(json!({"type": "object", "required": ["item_type", "requests"], "properties": {
                    "item_type": {"const": "PRODUCT_ITEM"}, "allow_upsert": {"type": "boolean"},
                    "requests": {"type": "array", "items": {"type": "object"}}}}),
                    json!({"item_type": "PRODUCT_ITEM", "requests": [{"method": "CREATE",
                        "data": {"id": "tea", "title": "Mint tea", "price": "12.50 USD"}}]})),
                "responses": responses(&[("200", report())], &[400, 401, 403]),
            },
        },
        "/{Version}/{Catalog-ID}/items_csv": {
            "parameters": [param("Version"), catalog],
            "post": {
                "tags": ["Graph: catalogs"], "operationId": "catalogItemsCsv",
                "summary": "Upload products as CSV (Risala's own)",
                "description": "`csv`: a header row of product fields (or Meta's feed names `id`, `title`, `link`, \
                    `image_link`) and one product per row, created or updated by retailer id; the report names \
                    rejected rows by line.",
                "security": security(),
                "requestBody": body(json!({"type": "object", "required": ["csv"], "properties": {"csv": {"type": "string"}}}),
                    json!({"csv": "id,title,price\ntea,Mint tea,12.50 USD\n"})),
                "responses": responses(&[("200", report())], &[400, 401, 403]),
            },
        },
        "/{Version}/{WABA-ID}/product_catalogs": {
            "parameters": [param("Version"), param("WabaId")],
            "get": {
                "tags": ["Graph: catalogs"], "operationId": "getWabaCatalog",
                "summary": "The catalog connected to a WABA",
                "security": security(), "parameters": [param("Fields")],
                "responses": responses(&[("200", list("None or one catalog."))], &[400, 401, 403]),
            },
            "post": {
                "tags": ["Graph: catalogs"], "operationId": "connectCatalog",
                "summary": "Connect a catalog to a WABA",
                "description": "`catalog_id` of one of the business's catalogs; another catalog connected to the \
                    WABA is disconnected (a WABA has one).",
                "security": security(),
                "requestBody": body(json!({"type": "object", "required": ["catalog_id"],
                    "properties": {"catalog_id": {"type": "string"}}}), json!({"catalog_id": "123456789012345"})),
                "responses": responses(&[("200", success())], &[400, 401, 403]),
            },
            "delete": {
                "tags": ["Graph: catalogs"], "operationId": "disconnectCatalog",
                "summary": "Disconnect a catalog from a WABA",
                "security": security(),
                "requestBody": body(json!({"type": "object", "required": ["catalog_id"],
                    "properties": {"catalog_id": {"type": "string"}}}), json!({"catalog_id": "123456789012345"})),
                "responses": responses(&[("200", success())], &[400, 401, 403]),
            },
        },
        "/{Version}/{Phone-Number-ID}/orders": {
            "parameters": [param("Version"), param("PhoneNumberId")],
            "get": {
                "tags": ["Graph: catalogs"], "operationId": "listOrders",
                "summary": "A conversation's orders (Risala's own)",
                "description": "The orders customer `wa_id` sent to the number, oldest first, priced from the \
                    catalog: `reference_id` (use it as `order_details` `reference_id`), `total_amount` \
                    `{value, offset}`, `product_items` with names and item prices.",
                "security": security(),
                "parameters": [{"name": "wa_id", "in": "query", "required": true, "schema": {"type": "string"}}],
                "responses": responses(&[("200", list("The orders."))], &[400, 401, 403]),
            },
        },
        "/customer/v1/chats/{number}/catalog": {
            "parameters": [{"name": "number", "in": "path", "required": true, "schema": {"type": "string"}}],
            "get": {
                "tags": ["Customer"], "operationId": "customerCatalog",
                "summary": "A business number's catalog and commerce switches",
                "description": "`cart_enabled`, `catalog_visible`, and `catalog` (`id`, `name`, `products`) or \
                    null when the number's WABA has no connected catalog.",
                "security": [{"customerSession": []}, {"customerSessionQuery": []}],
                "responses": responses(&[("200", json_response("The catalog.", json!({"type": "object",
                    "required": ["cart_enabled", "catalog_visible", "catalog"]})))], &[400, 401]),
            },
        },
    })
}
